// What the UI shows for a failure: a title, the engine's message (which already says what to do),
// and, for the codes where the app can take the user there, one action. Anything that is not an
// AppError (a framework failure, a bug) still gets a message and a next step.
import type { AppError } from "../../bindings";

export interface ErrorAction {
  label: string;
  /** A route, e.g. "#/settings". */
  href: string;
}

export interface ErrorDisplay {
  code: string;
  title: string;
  message: string;
  action: ErrorAction | null;
}

const TITLES: Record<AppError["code"], string> = {
  XanoAuthInvalid: "Xano did not accept the token",
  XanoAccessDenied: "The token is missing a permission",
  XanoUnreachable: "Xano could not be reached",
  XanoRateLimited: "Xano asked us to slow down",
  XanoFailed: "Xano answered with an error",
  KeychainUnavailable: "The system keychain is not available",
  KeychainFailed: "The system keychain refused",
  InvalidInstanceUrl: "That is not a Xano instance address",
  NoInstanceFound: "Type your instance address",
  NotSignedIn: "Not connected to Xano yet",
  ProfileNotFound: "That account is not saved here",
  InvalidInput: "Please check this value",
  ProfilesUnreadable: "The saved accounts file cannot be read",
  Storage: "A file could not be read or written",
  PortInUse: "The server's port is taken",
  ServerNotRunning: "The MCP server is not running",
  ConfigUnparseable: "An AI app's config file cannot be read",
  ClientConfigFailed: "The AI app's config was not changed",
  TokenNameTaken: "That name is taken",
  TokenNotFound: "That token is gone",
  ToolFailed: "The tool call failed",
  ApprovalNotFound: "That call is no longer waiting",
  Internal: "Something went wrong",
};

const ACTIONS: Partial<Record<AppError["code"], ErrorAction>> = {
  PortInUse: { label: "Change the port in Settings", href: "#/settings" },
  NotSignedIn: { label: "Run the setup", href: "#/wizard" },
  ServerNotRunning: { label: "Open the dashboard", href: "#/dashboard" },
  TokenNotFound: { label: "Open Access tokens", href: "#/tokens" },
};

export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string" &&
    (value as { code: string }).code in TITLES
  );
}

/** Describes any failure for the error box. */
export function describeError(err: unknown): ErrorDisplay {
  const inner = typeof err === "object" && err !== null && "error" in err ? (err as { error: unknown }).error : err;
  if (isAppError(inner)) {
    return { code: inner.code, title: TITLES[inner.code], message: inner.message, action: ACTIONS[inner.code] ?? null };
  }
  const text = inner instanceof Error ? inner.message : typeof inner === "string" ? inner : JSON.stringify(inner);
  return {
    code: "Unexpected",
    title: "Something went wrong",
    message: `${text || "An unknown error."} Try again; if it keeps happening, restart the app (Quit from the tray icon, then open it again).`,
    action: null,
  };
}
