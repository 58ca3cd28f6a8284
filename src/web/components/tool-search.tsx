// The tool picker: a GET form without JavaScript, an ARIA combobox over /api/v1/suggest with it.
import { urls } from '../../urls.js';

/**
 * Picking a tool is a search, never a list of the catalog. Without JavaScript this is a GET form to the
 * compare page (`?tools=<picked>&add=<text>`), which answers with matching tools to add. With JavaScript
 * (assets/modules/tool-search.js) the input becomes an ARIA 1.2 combobox over /api/v1/suggest; choosing
 * an option goes straight to the comparison with that tool added.
 */
export function ToolSearch({ id, label, picked = [], value, hideLabel }: { id: string; label: string; picked?: readonly string[]; value?: string; hideLabel?: boolean }) {
  return (
    <form class="tool-search" action={urls.compare()} method="get" data-tool-search="">
      {picked.map((s) => (
        <input type="hidden" name="tools" value={s} />
      ))}
      <label for={id} class={hideLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <div class="inline-form combobox">
        <input id={id} type="search" name="add" value={value} required maxlength={200} autocomplete="off" spellcheck={false} placeholder="Type a tool's name…" aria-describedby={`${id}-hint`} />
        <button type="submit">Find</button>
        <ul role="listbox" id={`${id}-list`} class="combobox-list" aria-label={label} hidden></ul>
      </div>
      <p id={`${id}-hint`} class="small muted combobox-hint">
        Type part of a name, then pick a match.
      </p>
      <p class="visually-hidden" role="status" aria-live="polite" data-combobox-status=""></p>
    </form>
  );
}
