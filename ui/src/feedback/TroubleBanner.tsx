import { CloseIcon, WarningIcon } from "../components/icons";
import { useFeedback } from "./FeedbackContext";

/** Keyring, database and file trouble, with the underlying cause, until dismissed. */
export function TroubleBanner() {
  const { troubles, dismissTrouble } = useFeedback();
  if (troubles.length === 0) return null;
  return (
    <div className="banner-area">
      {troubles.map((trouble) => (
        <div key={trouble.id} className="banner" role="alert">
          <WarningIcon className="banner-icon" />
          <div className="banner-text">
            <strong>{trouble.title}.</strong> {trouble.message}
          </div>
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss message"
            onClick={() => dismissTrouble(trouble.id)}
          >
            <CloseIcon />
          </button>
        </div>
      ))}
    </div>
  );
}
