import { MenuButton } from "../components/MenuButton";
import { MoreIcon } from "../components/icons";

interface MoreOptionsMenuProps {
  showDisabled: boolean;
  onShowDisabled: (show: boolean) => void;
  onExport: () => void;
  onImport: () => void;
}

/** The ⋮ menu of the webhooks list. */
export function MoreOptionsMenu({
  showDisabled,
  onShowDisabled,
  onExport,
  onImport,
}: MoreOptionsMenuProps) {
  return (
    <MenuButton
      label="More options"
      title="More options"
      iconOnly
      content={<MoreIcon />}
      items={[
        {
          label: "Show disabled webhooks",
          checked: showDisabled,
          onSelect: () => onShowDisabled(!showDisabled),
        },
        { label: "Export configuration…", separated: true, onSelect: onExport },
        { label: "Import configuration…", onSelect: onImport },
      ]}
    />
  );
}
