// Drafts of forms, kept in this browser (localStorage) so that a closed
// tab loses nothing, per principal; cleared when the form is sent and at
// sign-out.
const prefix = 'infrashare.draft.';

export function loadDraft<T>(name: string, principal: string): T | null {
  try {
    const text = localStorage.getItem(`${prefix}${name}.${principal}`);
    return text ? (JSON.parse(text) as T) : null;
  } catch {
    return null;
  }
}

export function saveDraft(name: string, principal: string, value: unknown): void {
  localStorage.setItem(`${prefix}${name}.${principal}`, JSON.stringify(value));
}

export function clearDraft(name: string, principal: string): void {
  localStorage.removeItem(`${prefix}${name}.${principal}`);
}

// Every draft of every principal (sign-out: the next person at this
// browser must not find them).
export function clearAllDrafts(): void {
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const key = localStorage.key(i);
    if (key?.startsWith(prefix)) localStorage.removeItem(key);
  }
}
