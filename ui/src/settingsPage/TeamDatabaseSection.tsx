import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import type { TeamStatus } from "../bindings/TeamStatus";
import { CopyButton } from "../components/CopyButton";
import { FieldMessages } from "../components/FieldMessages";
import { joinTeam, leaveTeam, newTeamKey, rejoinTeam } from "../ipc/commands";
import { queryKeys, teamStatusQuery } from "../ipc/queries";

/** What the section is doing now: at most one switch at a time. */
type Switching = "join" | "rejoin" | "leave";

/** The fields of the join form, as the engine names them in an `invalid` error. */
type TeamField = "url" | "key";
const TEAM_FIELDS: readonly string[] = ["url", "key"] satisfies TeamField[];

type FieldErrors = Partial<Record<TeamField, string[]>>;

/** The errors of `error` that belong under a field of the form, by field. */
function fieldErrorsOf(error: ErrorView): FieldErrors {
  const errors: FieldErrors = {};
  for (const { field, message } of error.fields) {
    if (TEAM_FIELDS.includes(field)) (errors[field as TeamField] ??= []).push(message);
  }
  return errors;
}

/**
 * Which database the window works on, this computer's or a team's (PostgreSQL); the form that
 * joins a team database, **Rejoin** for the saved one, and the way back to this computer's.
 * A switch makes the engine say `missed`: everything shown is read again, this status too.
 */
export function TeamDatabaseSection() {
  const client = useQueryClient();
  const query = useQuery(teamStatusQuery);
  const status = query.data ?? null;
  const [url, setUrl] = useState("");
  const [key, setKey] = useState("");
  /** A generated key is shown in clear, to be copied for the other computers of the team. */
  const [keyShown, setKeyShown] = useState(false);
  const [switching, setSwitching] = useState<Switching | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string | null>(null);

  const urlInput = useRef<HTMLInputElement>(null);
  const keyInput = useRef<HTMLInputElement>(null);
  const leaveButton = useRef<HTMLButtonElement>(null);
  // After a switch made here, the focus goes to the control of the view shown now (the one
  // clicked is gone), so that Tab goes on from there.
  const focusAfterSwitch = useRef(false);
  const connected = status?.connected ?? null;
  useEffect(() => {
    if (!focusAfterSwitch.current) return;
    focusAfterSwitch.current = false;
    (connected === null ? urlInput : leaveButton).current?.focus();
  }, [connected]);

  /** Runs a switch; the status it answers goes into the cache. False if it failed. */
  async function switchTo(doing: Switching, command: () => Promise<TeamStatus>) {
    if (switching !== null) return false;
    setSwitching(doing);
    setFailure(null);
    setFieldErrors({});
    try {
      const next = await command();
      focusAfterSwitch.current = true;
      client.setQueryData(queryKeys.teamStatus, next);
      return true;
    } catch (reason) {
      const error = reason as ErrorView;
      const errors = fieldErrorsOf(error);
      setFieldErrors(errors);
      const placed = Object.values(errors).reduce((n, list) => n + list.length, 0);
      // Whatever no field shows (an unreachable server, a wrong key) is said above the form.
      if (placed < error.fields.length || placed === 0) setFailure(error.message);
      if (errors.url) urlInput.current?.focus();
      else if (errors.key) keyInput.current?.focus();
      return false;
    } finally {
      setSwitching(null);
    }
  }

  const sentUrl = url.trim();
  const sentKey = key.trim();
  const canJoin = sentUrl !== "" && sentKey !== "" && switching === null;

  async function join(event: FormEvent) {
    event.preventDefault();
    if (!canJoin) return;
    if (await switchTo("join", () => joinTeam(sentUrl, sentKey))) {
      // The key is in the keyring now; it is not left in the window.
      setKey("");
      setKeyShown(false);
    }
  }

  async function generateKey() {
    setFailure(null);
    try {
      setKey(await newTeamKey());
      setKeyShown(true);
      setFieldErrors(({ url }) => ({ url }));
    } catch (reason) {
      setFailure(`Generating a key failed: ${(reason as ErrorView).message}`);
    }
  }

  const urlErrors = fieldErrors.url ?? [];
  const keyErrors = fieldErrors.key ?? [];
  return (
    <section className="form-section team-section" aria-labelledby="team-database-heading">
      <h2 id="team-database-heading" className="section-title">
        Team database
      </h2>
      <p className="section-note">
        On a team database (PostgreSQL) the window shows and changes the team&apos;s webhooks, Tests
        and logs, and this computer delivers with the team&apos;s workers.
      </p>
      {status === null && query.error && (
        <div className="form-alert" role="alert">
          <p>Which database the window works on could not be read: {query.error.message}</p>
          <button
            type="button"
            className="button button-small"
            onClick={() => void query.refetch()}
          >
            Try again
          </button>
        </div>
      )}
      {status === null && !query.error && (
        <p className="muted">Reading which database the window works on…</p>
      )}
      {status !== null && (
        <p className="team-current">
          {status.connected === null ? (
            <strong>This computer&apos;s database</strong>
          ) : (
            <>
              <strong>
                Team database <span className="mono">{status.connected}</span>
              </strong>{" "}
              {status.worker_id !== null && (
                <span>
                  as worker <span className="mono">{status.worker_id}</span>
                </span>
              )}
            </>
          )}
        </p>
      )}
      {status?.error && (
        <div className="form-alert" role="alert">
          <p>{status.error}</p>
        </div>
      )}
      {failure !== null && (
        <div className="form-alert" role="alert">
          <p>{failure}</p>
        </div>
      )}
      {status !== null && status.connected !== null && (
        <>
          <p className="field-hint">
            While the app is open, this computer delivers the team&apos;s queue as one more worker.
            The Events API and the settings below stay this computer&apos;s: post the team&apos;s
            events to its <code>hookdesk serve</code>.
          </p>
          <div className="team-actions">
            <button
              ref={leaveButton}
              type="button"
              className="button"
              disabled={switching !== null}
              aria-busy={switching === "leave" || undefined}
              onClick={() => void switchTo("leave", leaveTeam)}
            >
              Use this computer&apos;s database
            </button>
            <span className="field-hint">
              This computer stops delivering for the team; the team database stays saved, to rejoin
              in one click.
            </span>
          </div>
        </>
      )}
      {status !== null && status.connected === null && (
        <>
          {status.saved !== null && (
            <div className="team-actions">
              <button
                type="button"
                className="button"
                disabled={switching !== null}
                aria-busy={switching === "rejoin" || undefined}
                onClick={() => void switchTo("rejoin", rejoinTeam)}
              >
                {switching === "rejoin" ? "Connecting…" : `Rejoin ${status.saved}`}
              </button>
              <span className="field-hint">Saved on this computer, with its key.</span>
            </div>
          )}
          <form
            className="team-join"
            aria-label="Join a team database"
            noValidate
            onSubmit={(e) => void join(e)}
          >
            <div className="field">
              <label htmlFor="team-url" className="field-label">
                Database URL
              </label>
              <input
                ref={urlInput}
                id="team-url"
                className="input mono"
                type="text"
                value={url}
                placeholder="postgres://hookdesk@db.example.com/hookdesk"
                autoComplete="off"
                spellCheck={false}
                aria-invalid={urlErrors.length > 0 || undefined}
                aria-describedby="team-url-hint team-url-messages"
                onChange={(e) => {
                  setUrl(e.target.value);
                  setFieldErrors(({ key }) => ({ key }));
                }}
              />
              <p id="team-url-hint" className="field-hint">
                The PostgreSQL database the team&apos;s workers share. The URL and the key are kept
                in the OS keyring, and the app rejoins at every start.
              </p>
              <FieldMessages id="team-url-messages" errors={urlErrors} />
            </div>
            <div className="field">
              <label htmlFor="team-key" className="field-label">
                Team key
              </label>
              <div className="field-control">
                <input
                  ref={keyInput}
                  id="team-key"
                  className="input mono"
                  type={keyShown ? "text" : "password"}
                  value={key}
                  autoComplete="off"
                  spellCheck={false}
                  aria-invalid={keyErrors.length > 0 || undefined}
                  aria-describedby="team-key-hint team-key-messages"
                  onChange={(e) => {
                    setKey(e.target.value);
                    setFieldErrors(({ url }) => ({ url }));
                  }}
                />
                <button
                  type="button"
                  className="button button-small"
                  disabled={switching !== null}
                  onClick={() => void generateKey()}
                >
                  Generate a new key
                </button>
                <CopyButton
                  label="Copy key"
                  caption="Copy key"
                  text={() => key}
                  disabled={key === ""}
                  onError={(e) => setFailure(`Copying the key failed: ${e.message}`)}
                />
              </div>
              <p id="team-key-hint" className="field-hint">
                {keyShown
                  ? "A new key, for a team that starts from this computer: copy it now. "
                  : "The team's secret key (base64 of 32 bytes). "}
                Every worker and desktop of the team needs this same key, e.g. as{" "}
                <code>HOOKDESK_SECRET_KEY</code> for <code>hookdesk serve</code>.
              </p>
              <FieldMessages id="team-key-messages" errors={keyErrors} />
            </div>
            <div className="team-actions">
              <button
                type="submit"
                className="button button-primary"
                disabled={!canJoin}
                aria-busy={switching === "join" || undefined}
              >
                {switching === "join" ? "Connecting…" : "Join team database"}
              </button>
            </div>
          </form>
        </>
      )}
    </section>
  );
}
