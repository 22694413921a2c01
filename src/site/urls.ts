/** Every internal link goes through here so versioned builds (base /v/x.y.z/) keep working. */
export function url(path: string): string {
  const base = import.meta.env.BASE_URL.replace(/\/$/, "");
  const clean = path.startsWith("/") ? path : `/${path}`;
  return `${base}${clean}`;
}

/**
 * Links that leave a release snapshot for the live site (the versions list, other releases): the base
 * without its `/v/X.Y.Z/` part, so a snapshot built under /v/0.1.0/ still links to /versions/.
 */
export function rootUrl(path: string): string {
  const base = import.meta.env.BASE_URL.replace(/v\/\d+\.\d+\.\d+\/?$/, "").replace(/\/$/, "");
  return `${base}${path.startsWith("/") ? path : `/${path}`}`;
}

/**
 * A download link: on a release build, the file's immutable copy under /v/<release>/ (the live file
 * changes with the next release); otherwise the file of this build.
 */
export function downloadUrl(path: string, release?: string): string {
  return release ? rootUrl(`/v/${release}${path.startsWith("/") ? path : `/${path}`}`) : url(path);
}
