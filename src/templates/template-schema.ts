/**
 * The metadata of a template of the library (`templates/<id>/template.json`), as a strict zod
 * schema: unknown fields are errors, and every parameter's default must fit its type.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { StepOptionSchema } from '../simulate/scenario-schema.js';

/** In the order the catalog lists them (WSO2's template categories: access control, adaptive MFA, user attributes; then JIT). */
export const TEMPLATE_CATEGORIES = ['access-control', 'adaptive-mfa', 'user-attributes', 'jit-provisioning'] as const;
export const TemplateCategorySchema = z.enum(TEMPLATE_CATEGORIES);
export type TemplateCategory = z.infer<typeof TemplateCategorySchema>;

export const PARAMETER_TYPES = ['string', 'string[]', 'number', 'boolean', 'cidr[]', 'connection', 'connection[]'] as const;
export const ParameterTypeSchema = z.enum(PARAMETER_TYPES);
export type ParameterType = z.infer<typeof ParameterTypeSchema>;

/** An IPv4 or IPv6 CIDR block ('10.0.0.0/8', '2001:db8::/32'), or a bare address. */
export function isCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Why `value` does not fit `type`, or null. */
export function defaultProblem(type: ParameterType, value: unknown): string | null {
  switch (type) {
    case 'string':
    case 'connection':
      return typeof value === 'string' ? null : 'must be a string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a finite number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'string[]':
    case 'connection[]':
      return isStringArray(value) ? null : 'must be an array of strings';
    case 'cidr[]': {
      if (!isStringArray(value)) return 'must be an array of CIDR blocks';
      const bad = value.filter((v) => !isCidr(v));
      return bad.length === 0 ? null : `has entries that are not CIDR blocks: ${bad.map((b) => JSON.stringify(b)).join(', ')}`;
    }
    default: {
      const never: never = type;
      return `unknown type ${String(never)}`;
    }
  }
}

export const TemplateParameterSchema = z
  .object({
    /** The name of the `var` at the top of the script. */
    name: z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, 'must be a JavaScript identifier'),
    type: ParameterTypeSchema,
    /** The value the script ships with (the `var`'s initial value). */
    default: z.json(),
    description: z.string().min(1),
  })
  .strict()
  .superRefine((p, ctx) => {
    const problem = defaultProblem(p.type, p.default);
    if (problem !== null) ctx.addIssue({ code: 'custom', path: ['default'], message: `the default of a ${p.type} parameter ${problem}` });
  });
export type TemplateParameter = z.infer<typeof TemplateParameterSchema>;

export const TemplateStepSchema = z
  .object({
    description: z.string().min(1),
    /** The options the application should configure for this step. */
    options: z.array(StepOptionSchema).min(1),
  })
  .strict();
export type TemplateStep = z.infer<typeof TemplateStepSchema>;

export const TemplateSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case (lower-case letters, digits and dashes)'),
    title: z.string().min(1),
    category: TemplateCategorySchema,
    summary: z.string().min(1),
    /** The admin-editable `var` declarations at the top of script.js, in order. */
    parameters: z.array(TemplateParameterSchema),
    /** The application's login steps the script expects: steps[0] is step 1. */
    steps: z.array(TemplateStepSchema).min(1),
    /** The WSO2 template it corresponds to, or null for authscript's own. */
    wso2: z.string().min(1).nullable(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.parameters.forEach((p, i) => {
      if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: ['parameters', i, 'name'], message: `parameter "${p.name}" is declared twice` });
      seen.add(p.name);
    });
  });
export type Template = z.infer<typeof TemplateSchema>;
