// Organization names by id, fetched one by one as pages need them (GET
// /api/v1/registry/organizations/{id}) and kept for the session: a page
// asks only for the organizations its records name, never the whole
// directory.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';

export interface OrganizationName {
  id: string;
  name_ja: string;
  name_en: string;
}

const known = new Map<string, OrganizationName>();
const asked = new Set<string>();

export function useOrganizationNames(ids: Iterable<string>): Map<string, OrganizationName> {
  const [, setVersion] = useState(0);
  const wanted = [...new Set(ids)].filter((id) => id && !asked.has(id));
  const key = wanted.join(',');
  useEffect(() => {
    if (wanted.length === 0) return;
    for (const id of wanted) asked.add(id);
    Promise.all(
      wanted.map((id) =>
        api<OrganizationName>('GET', `/api/v1/registry/organizations/${encodeURIComponent(id)}`)
          .then((o) => known.set(id, o))
          .catch(() => asked.delete(id)),
      ),
    ).then(() => setVersion((v) => v + 1));
  }, [key]);
  return known;
}
