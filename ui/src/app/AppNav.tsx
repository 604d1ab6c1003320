import { useQuery } from "@tanstack/react-query";
import { teamStatusQuery } from "../ipc/queries";

export type Section = "webhooks" | "deliveries" | "health" | "settings";

const ITEMS: ReadonlyArray<{ id: Section; label: string }> = [
  { id: "webhooks", label: "Webhooks" },
  { id: "deliveries", label: "Deliveries" },
  { id: "health", label: "Health" },
  { id: "settings", label: "Settings" },
];

interface AppNavProps {
  current: Section;
  onSelect: (section: Section) => void;
}

/** The slim bar at the top: the app's sections, and the team database the window shows. */
export function AppNav({ current, onSelect }: AppNavProps) {
  const team = useQuery(teamStatusQuery).data?.connected ?? null;
  return (
    <nav className="app-nav" aria-label="Sections">
      <span className="app-name" aria-hidden="true">
        Hookdesk
      </span>
      {ITEMS.map((item) => (
        <button
          key={item.id}
          type="button"
          className="app-nav-item"
          aria-current={item.id === current ? "page" : undefined}
          onClick={() => onSelect(item.id)}
        >
          {item.label}
        </button>
      ))}
      {team !== null && (
        <span
          className="team-badge"
          title={`The window shows the team database ${team}: the team's webhooks, Tests and logs`}
        >
          Team: {team}
        </span>
      )}
    </nav>
  );
}
