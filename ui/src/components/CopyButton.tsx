import { useRef, useState } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import { copyText } from "../ipc/clipboard";
import { CheckIcon, CopyIcon } from "./icons";

interface CopyButtonProps {
  /** The accessible name, e.g. "Copy signing secret". */
  label: string;
  /** What to copy; may have to be fetched first (a secret from the keyring). */
  text: () => string | Promise<string>;
  onError: (error: ErrorView) => void;
  /** The visible text while not confirming; "Copy" unless given. */
  caption?: string;
  disabled?: boolean;
}

const CONFIRM_MS = 1500;

/** Copies through the clipboard plugin and says "Copied" for a moment. */
export function CopyButton({
  label,
  text,
  onError,
  caption = "Copy",
  disabled = false,
}: CopyButtonProps) {
  const [copied, setCopied] = useState(false);
  const timer = useRef<number | undefined>(undefined);

  async function copy() {
    try {
      await copyText(await text());
      setCopied(true);
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => setCopied(false), CONFIRM_MS);
    } catch (error) {
      onError(error as ErrorView);
    }
  }

  return (
    <>
      <button
        type="button"
        className="button button-small"
        aria-label={label}
        title={label}
        onClick={() => void copy()}
        disabled={disabled}
      >
        {copied ? <CheckIcon /> : <CopyIcon />}
        <span aria-hidden="true">{copied ? "Copied" : caption}</span>
      </button>
      <span className="visually-hidden" role="status">
        {copied ? "Copied" : ""}
      </span>
    </>
  );
}
