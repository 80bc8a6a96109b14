/** Hides the password of a URL, keeping the target visible (for logs, errors and `config`). */
export function maskUrl(url: string, unparsable = '(unparsable URL)'): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return unparsable;
  }
}

/** Masks the value of a secret configuration key; URLs keep everything but the password. */
export function maskSecret(name: string, value: string): string {
  if (name.endsWith('_URL')) return maskUrl(value, '****');
  if (name === 'OAUTH2_CLIENTS') return value.split(',').map((p) => `${p.split(':')[0]}:****`).join(',');
  return '****';
}
