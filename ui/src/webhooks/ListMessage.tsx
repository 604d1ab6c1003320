import type { ReactNode } from "react";

interface ListMessageProps {
  title: string;
  children: ReactNode;
  action?: ReactNode;
}

/** What the list area says instead of rows: empty, no matches, failed to load. */
export function ListMessage({ title, children, action }: ListMessageProps) {
  return (
    <div className="list-message">
      <h2 className="list-message-title">{title}</h2>
      <div className="list-message-text">{children}</div>
      {action && <div className="list-message-action">{action}</div>}
    </div>
  );
}
