/** The tenant's connections (federated IdPs) with their JIT provisioning settings and mappings. */
import { useState } from 'preact/hooks';
import { ApiError, type Api } from '../api/client.js';
import type { AttributeSync, Connection, JitScheme } from '../api/types.js';
import { splitList } from '../lib/template-params.js';
import { MappingEditor } from './MappingEditor.js';
import { Badge, Button, Checkbox, ErrorNote, Field } from './ui.js';

const SCHEMES: Record<JitScheme, string> = {
  silent: 'Silent: create the account without asking',
  'prompt-consent': 'Ask for consent',
  'prompt-password-consent': 'Ask for a password and consent',
  'prompt-username-password-consent': 'Ask for a username, password and consent',
};

const SYNC: Record<AttributeSync, string> = {
  override: 'Override: the IdP’s values win at every login',
  'preserve-local': 'Preserve local: only fill what is missing',
  none: 'None: never update after creation',
};

export function ConnectionsPanel({ api, connections, onSaved }: { api: Api; connections: readonly Connection[]; onSaved: (c: Connection) => void }) {
  const [open, setOpen] = useState<string | null>(connections[0]?.name ?? null);
  if (connections.length === 0) return <p class="empty">This tenant has no connections. Add one through the admin API (POST /api/v1/connections).</p>;
  return (
    <div class="connections">
      {connections.map((c) => (
        <section class="connection">
          <h3>
            <button type="button" class="disclosure" aria-expanded={open === c.name} onClick={() => setOpen(open === c.name ? null : c.name)}>
              <span aria-hidden="true">{open === c.name ? '▾' : '▸'}</span> {c.name}{' '}
              <Badge tone={c.jit.enabled ? 'ok' : 'warn'}>JIT {c.jit.enabled ? 'on' : 'off'}</Badge> <span class="muted">{c.authenticator}</span>
            </button>
          </h3>
          {open === c.name ? <ConnectionForm key={c.name} api={api} connection={c} onSaved={onSaved} /> : null}
        </section>
      ))}
    </div>
  );
}

function ConnectionForm({ api, connection, onSaved }: { api: Api; connection: Connection; onSaved: (c: Connection) => void }) {
  const [c, setC] = useState<Connection>(connection);
  const [lookup, setLookup] = useState(connection.jit.lookupAttributes.join(', '));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const jit = (patch: Partial<Connection['jit']>) => (setC((x) => ({ ...x, jit: { ...x.jit, ...patch } })), setSaved(false));
  const set = (patch: Partial<Connection>) => (setC((x) => ({ ...x, ...patch })), setSaved(false));
  const dirty = JSON.stringify({ ...c, jit: { ...c.jit, lookupAttributes: splitList(lookup) } }) !== JSON.stringify(connection);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const body: Connection = { ...c, jit: { ...c.jit, lookupAttributes: splitList(lookup) } };
      if (!body.userIdClaim) delete body.userIdClaim;
      if (!body.groupsClaim) delete body.groupsClaim;
      const updated = await api.updateConnection(body);
      setC(updated);
      setLookup(updated.jit.lookupAttributes.join(', '));
      onSaved(updated);
      setSaved(true);
    } catch (e) {
      setError(e instanceof ApiError ? e.describe() : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="connection-form"
      aria-label={`${connection.name} settings`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Checkbox label="JIT provisioning" hint="create a local account at the first sign-in; TOTP and email OTP need one" checked={c.jit.enabled} onChange={(v) => jit({ enabled: v })} />
      <fieldset class="jit-settings" disabled={!c.jit.enabled}>
        <Field label="User store" hint="PRIMARY, a secondary store's name, or AS_IN_USERNAME">
          {(id, d) => <input id={id} aria-describedby={d} value={c.jit.userStore} onInput={(e) => jit({ userStore: e.currentTarget.value })} />}
        </Field>
        <Field label="Scheme">
          {(id) => (
            <select id={id} value={c.jit.scheme} onChange={(e) => jit({ scheme: e.currentTarget.value as JitScheme })}>
              {Object.entries(SCHEMES).map(([v, t]) => (
                <option value={v}>{t}</option>
              ))}
            </select>
          )}
        </Field>
        <Checkbox label="Associate with an existing local user" hint="matched by the lookup attributes" checked={c.jit.associateLocalUser} onChange={(v) => jit({ associateLocalUser: v })} />
        <Field label="Lookup attributes" hint="Remote claims, comma-separated (mapped through the claim mappings).">
          {(id, d) => <input id={id} aria-describedby={d} value={lookup} onInput={(e) => (setLookup(e.currentTarget.value), setSaved(false))} />}
        </Field>
        <Checkbox
          label="Associate without a verified email"
          hint="off by default: an unverified email must never take over an account"
          checked={c.jit.associateWithoutVerifiedEmail}
          onChange={(v) => jit({ associateWithoutVerifiedEmail: v })}
        />
        <Field label="Attribute sync on later logins">
          {(id) => (
            <select id={id} value={c.jit.attributeSync} onChange={(e) => jit({ attributeSync: e.currentTarget.value as AttributeSync })}>
              {Object.entries(SYNC).map(([v, t]) => (
                <option value={v}>{t}</option>
              ))}
            </select>
          )}
        </Field>
        <Checkbox label="Enhanced JIT" hint="username is the stable federated id" checked={c.jit.enhanced} onChange={(v) => jit({ enhanced: v })} />
        <Checkbox label="Blocking" hint="provision during the login (silent scheme only when off)" checked={c.jit.blocking} onChange={(v) => jit({ blocking: v })} />
      </fieldset>
      <Field label="User id claim" hint="The remote claim used as the username (empty: the IdP's subject).">
        {(id, d) => <input id={id} aria-describedby={d} value={c.userIdClaim ?? ''} onInput={(e) => set({ userIdClaim: e.currentTarget.value })} />}
      </Field>
      <Field label="Groups claim" hint="The remote claim that lists the user's groups.">
        {(id, d) => <input id={id} aria-describedby={d} value={c.groupsClaim ?? ''} onInput={(e) => set({ groupsClaim: e.currentTarget.value })} />}
      </Field>
      <MappingEditor label="Claim mappings" from="remote claim" to="local claim URI" value={c.claimMappings} onChange={(v) => set({ claimMappings: v })} />
      <MappingEditor label="Role mappings" from="remote group" to="local role" value={c.roleMappings} onChange={(v) => set({ roleMappings: v })} />
      <Checkbox label="Synced attributes read-only" hint="the admin API refuses edits of what the IdP provides" checked={c.syncedAttributesReadOnly} onChange={(v) => set({ syncedAttributesReadOnly: v })} />
      <p class="muted">{connection.provisionedUsers} user(s) provisioned through this connection.</p>
      <ErrorNote error={error} />
      <div class="form-actions">
        <Button type="submit" variant="primary" busy={busy} disabled={!dirty}>
          Save {connection.name}
        </Button>
        {saved && !dirty ? <span class="ok-note">Saved.</span> : null}
      </div>
    </form>
  );
}
