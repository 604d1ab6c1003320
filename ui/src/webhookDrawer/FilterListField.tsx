import { TextField } from "../components/TextField";

interface FilterListFieldProps {
  id: string;
  /** "Workflow", "Survey" or "Group": also the accessible name. */
  label: string;
  /** "workflows", "surveys", "groups": for the helper text. */
  plural: string;
  value: string;
  onChange: (value: string) => void;
  onBlur: () => void;
  errors: string[];
}

/** A list of codes typed as text, separated by commas, spaces or new lines. */
export function FilterListField({ id, label, plural, ...rest }: FilterListFieldProps) {
  return (
    <TextField
      id={id}
      label={label}
      monospace
      placeholder="code_one, code_two"
      hint={`Codes separated by commas. Empty means all ${plural}.`}
      {...rest}
    />
  );
}
