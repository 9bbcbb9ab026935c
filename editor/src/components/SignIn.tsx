import { useState } from 'preact/hooks';
import { Button, ErrorNote, Field } from './ui.js';

export function SignIn({ onSubmit, busy, error }: { onSubmit: (token: string) => void; busy: boolean; error: string | null }) {
  const [token, setToken] = useState('');
  const trimmed = token.trim();
  return (
    <main class="signin">
      <form
        class="signin-card"
        aria-labelledby="signin-title"
        onSubmit={(e) => {
          e.preventDefault();
          if (trimmed !== '') onSubmit(trimmed);
        }}
      >
        <h1 id="signin-title">
          <span class="logo" aria-hidden="true">
            ⟠
          </span>{' '}
          authscript
        </h1>
        <p class="muted">Write, test and publish the login scripts of your applications.</p>
        <Field label="Admin token" hint="The token `npm start` printed on first start (ast_…). It stays in this tab only.">
          {(id, describedBy) => (
            <input
              id={id}
              name="token"
              type="password"
              autoComplete="off"
              spellcheck={false}
              autoFocus
              aria-describedby={describedBy}
              value={token}
              onInput={(e) => setToken(e.currentTarget.value)}
              placeholder="ast_…"
            />
          )}
        </Field>
        <ErrorNote error={error} />
        <Button type="submit" variant="primary" busy={busy} disabled={trimmed === ''}>
          Sign in
        </Button>
      </form>
    </main>
  );
}
