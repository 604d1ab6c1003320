import type { EventType } from "../bindings/EventType";

/** The built-in types, read-only, grouped by entity. */
export function BuiltinEventTypes({ types }: { types: readonly EventType[] }) {
  const entities = [...new Set(types.map((t) => t.entity))];
  return (
    <div className="catalog-groups">
      {entities.map((entity) => (
        <div key={entity} className="catalog-group" role="group" aria-label={entity}>
          <h4 className="catalog-group-title">{entity}</h4>
          <ul className="catalog-list">
            {types
              .filter((t) => t.entity === entity)
              .map((t) => (
                <li key={t.name} title={t.description}>
                  <code>{t.name}</code>
                </li>
              ))}
          </ul>
        </div>
      ))}
    </div>
  );
}
