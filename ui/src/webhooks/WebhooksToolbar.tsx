import type { Ref } from "react";
import { PlusIcon, SearchIcon } from "../components/icons";
import { MoreOptionsMenu } from "./MoreOptionsMenu";

interface WebhooksToolbarProps {
  search: string;
  onSearch: (query: string) => void;
  searchRef: Ref<HTMLInputElement>;
  onCreate: () => void;
  showDisabled: boolean;
  onShowDisabled: (show: boolean) => void;
  onExport: () => void;
  onImport: () => void;
}

/** Title, search, + and the ⋮ menu. */
export function WebhooksToolbar({
  search,
  onSearch,
  searchRef,
  onCreate,
  ...menu
}: WebhooksToolbarProps) {
  return (
    <header className="page-header">
      <h1 className="page-title">Webhooks</h1>
      <div className="search">
        <SearchIcon className="search-icon" />
        <input
          ref={searchRef}
          type="search"
          className="input search-input"
          aria-label="Search webhooks"
          placeholder="Search by name, code or URL  ( / )"
          value={search}
          onChange={(e) => onSearch(e.target.value)}
          onKeyDown={(e) => {
            // Escape first clears the search; with nothing to clear it closes the panel.
            if (e.key === "Escape" && search !== "") {
              e.stopPropagation();
              onSearch("");
            }
          }}
        />
      </div>
      <div className="page-actions">
        <button
          type="button"
          className="button button-primary button-icon-only"
          aria-label="Create webhook"
          title="Create webhook (N)"
          onClick={onCreate}
        >
          <PlusIcon />
        </button>
        <MoreOptionsMenu {...menu} />
      </div>
    </header>
  );
}
