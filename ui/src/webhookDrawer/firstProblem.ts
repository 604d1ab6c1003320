// Taking the user to the first field that stops a save.

const CONTROLS = "input, textarea, select, button";
/** A field with its label, hint and messages (a header row holds its own messages). */
const FIELD_BLOCK = ".field, .header-row";

/**
 * Focuses the first invalid field in `root` (the first control of an invalid group, such as
 * the Trigger checkboxes) and scrolls the field, its error message included, fully into view:
 * focus alone scrolls only as far as the input, leaving the message under the fold.
 * Returns false when no field is invalid.
 */
export function revealFirstProblem(root: HTMLElement): boolean {
  const invalid = root.querySelector<HTMLElement>('[aria-invalid="true"]');
  if (!invalid) return false;
  const control = invalid.matches(CONTROLS)
    ? invalid
    : (invalid.querySelector<HTMLElement>(CONTROLS) ?? invalid);
  const block = invalid.closest<HTMLElement>(FIELD_BLOCK) ?? invalid;
  control.focus({ preventScroll: true });
  // jsdom has no scrollIntoView; every browser the app runs in has.
  block.scrollIntoView?.({ block: "nearest" });
  return true;
}
