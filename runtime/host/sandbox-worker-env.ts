/** The environment variable that carries the pool's limits to its workers (JSON). */
export const LIMITS_ENV = 'AUTHSCRIPT_LIMITS';
