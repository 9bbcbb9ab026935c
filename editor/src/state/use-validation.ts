/**
 * The server's analysis of the text being typed: debounced, the request in flight aborted when
 * the text changes again, so markers always belong to the latest text.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Api } from '../api/client.js';
import type { Validation } from '../api/types.js';

export const VALIDATE_DELAY_MS = 350;

export interface ValidationState {
  readonly result: Validation | null;
  /** The text `result` is about. */
  readonly source: string | null;
  readonly pending: boolean;
  readonly error: string | null;
}

export function useValidation(api: Api, appId: string, text: string, revision: number): ValidationState {
  const [state, setState] = useState<ValidationState>({ result: null, source: null, pending: true, error: null });
  const first = useRef(true);
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, pending: true }));
    // The first analysis of a document runs at once; later ones wait for a pause in typing.
    const timer = setTimeout(
      () => {
        api
          .validate(appId, text, controller.signal)
          .then((result) => setState({ result, source: text, pending: false, error: null }))
          .catch((e: unknown) => {
            if ((e as Error).name === 'AbortError') return;
            setState((s) => ({ ...s, pending: false, error: e instanceof ApiError ? e.describe() : String(e) }));
          });
      },
      first.current ? 0 : VALIDATE_DELAY_MS,
    );
    first.current = false;
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, appId, text, revision]);
  useEffect(() => {
    first.current = true;
  }, [appId]);
  return state;
}
