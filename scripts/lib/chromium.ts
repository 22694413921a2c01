/**
 * Which Chromium the browser tests drive: $CHROMIUM_PATH (any Chrome or Chromium), else Debian's
 * /usr/bin/chromium, else Debian's installed where this user may (scripts/apt-install.sh), else a
 * one-line explanation instead of a test run. Playwright never downloads a browser here.
 */
export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

export const HOW_TO_GET_CHROMIUM =
  "npm test needs Chromium for its browser tests: install Debian's (sudo apt-get install chromium) " +
  "or set CHROMIUM_PATH to a Chrome or Chromium executable.";

type ChromiumChoice = { kind: "use"; path: string } | { kind: "install" } | { kind: "stop"; message: string };

/** Pure: the decision, given the environment, a test for executable files and whether apt may run. */
export function chooseChromium(
  env: Record<string, string | undefined>,
  isExecutable: (path: string) => boolean,
  mayInstall: boolean,
): ChromiumChoice {
  const chosen = env.CHROMIUM_PATH;
  if (chosen) {
    return isExecutable(chosen)
      ? { kind: "use", path: chosen }
      : {
          kind: "stop",
          message: `CHROMIUM_PATH is ${JSON.stringify(chosen)}, which is not an executable file: point it at a Chrome or Chromium executable, or unset it to use Debian's ${DEBIAN_CHROMIUM}.`,
        };
  }
  if (isExecutable(DEBIAN_CHROMIUM)) return { kind: "use", path: DEBIAN_CHROMIUM };
  return mayInstall ? { kind: "install" } : { kind: "stop", message: HOW_TO_GET_CHROMIUM };
}
