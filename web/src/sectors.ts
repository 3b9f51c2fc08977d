// The plan's sectors (GET /api/v1/registry/sectors), fetched once and kept.
import { useEffect, useState } from 'preact/hooks';
import { api, type Items } from './api';

export interface Sector {
  id: string;
  name_ja: string;
  name_en: string;
}

let cached: Promise<Sector[]> | null = null;

export function useSectors(): Sector[] {
  const [sectors, setSectors] = useState<Sector[]>([]);
  useEffect(() => {
    cached ??= api<Items<Sector>>('GET', '/api/v1/registry/sectors').then((s) => s.items);
    cached.then(setSectors).catch(() => {
      cached = null;
    });
  }, []);
  return sectors;
}
