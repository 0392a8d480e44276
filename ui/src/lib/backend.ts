// The one module that talks to the Rust side. Pages import from here, never from bindings.ts or
// @tauri-apps/api directly, so a browser-only fake (./fake.ts) can stand in during UI development.
// Every call either resolves with its data or throws a BackendError carrying the AppError (code +
// message that says what to do next).
import {
  commands,
  events,
  type AccessLevelView,
  type AccountView,
  type AppError,
  type AppInfo,
  type ApplyView,
  type ApprovalView,
  type CallView,
  type ClientView,
  type CreatedToken,
  type DashboardView,
  type Decision,
  type EngineSettings,
  type ExportFormat,
  type ExportView,
  type HistoryChartsView,
  type HistoryDetailView,
  type HistoryPageView,
  type HistoryQuery,
  type HistoryRowRef,
  type HistoryRowView,
  type HistorySyncView,
  type WorkspaceSyncView,
  type InstanceView,
  type LiveCheckView,
  type NewTokenInput,
  type PlanInput,
  type PlanView,
  type PreviewView,
  type RunView,
  type SaveAccountInput,
  type ServerStatus,
  type SettingsView,
  type TokenCheckView,
  type TokenUpdateInput,
  type TokenView,
  type ToolInfo,
  type UiPrefs,
  type WorkspaceView,
} from "../bindings";
import { fakeApi } from "./fake";

export type {
  AccessLevelView,
  AccountView,
  AppError,
  AppInfo,
  ApplyView,
  ApprovalView,
  CallView,
  ClientView,
  CreatedToken,
  DashboardView,
  Decision,
  EngineSettings,
  ExportFormat,
  ExportView,
  HistoryChartsView,
  HistoryDetailView,
  HistoryPageView,
  HistoryQuery,
  HistoryRowRef,
  HistoryRowView,
  HistorySyncView,
  WorkspaceSyncView,
  InstanceView,
  LiveCheckView,
  NewTokenInput,
  PlanInput,
  PlanView,
  PreviewView,
  RunView,
  SaveAccountInput,
  ServerStatus,
  SettingsView,
  TokenCheckView,
  TokenUpdateInput,
  TokenView,
  ToolInfo,
  UiPrefs,
  WorkspaceView,
};

/** A failure of a backend call: `error.code` says which, `error.message` what to do. */
export class BackendError extends Error {
  readonly error: AppError;
  constructor(error: AppError) {
    super(error.message);
    this.error = error;
  }
}

type Answer<T> = { status: "ok"; data: T } | { status: "error"; error: AppError };

async function unwrap<T>(answer: Promise<Answer<T>>): Promise<T> {
  const r = await answer;
  if (r.status === "error") throw new BackendError(r.error);
  return r.data;
}

/** Everything the pages can ask of the app. */
export interface Api {
  appInfo(): Promise<AppInfo>;
  serverStatus(): Promise<ServerStatus>;
  serverRestart(): Promise<ServerStatus>;
  startDemo(): Promise<AccountView>;
  checkToken(token: string, instanceUrl: string | null): Promise<TokenCheckView>;
  instances(token: string, typedUrl: string | null): Promise<InstanceView[]>;
  wizardWorkspaces(instanceUrl: string, token: string): Promise<WorkspaceView[]>;
  saveAccount(input: SaveAccountInput): Promise<AccountView>;
  accessLevels(): Promise<AccessLevelView[]>;
  liveCheck(): Promise<LiveCheckView>;
  finishSetup(): Promise<EngineSettings>;
  workspaces(): Promise<WorkspaceView[]>;
  dashboard(): Promise<DashboardView>;
  tokens(): Promise<TokenView[]>;
  createToken(input: NewTokenInput): Promise<CreatedToken>;
  updateToken(input: TokenUpdateInput): Promise<TokenView>;
  revokeToken(name: string): Promise<TokenView>;
  clients(project?: string | null): Promise<ClientView[]>;
  planClients(input: PlanInput): Promise<PlanView[]>;
  applyClients(ids: number[]): Promise<ApplyView[]>;
  tools(): Promise<ToolInfo[]>;
  preview(tool: string, args: unknown): Promise<PreviewView>;
  run(tool: string, args: unknown): Promise<RunView>;
  approvals(): Promise<ApprovalView[]>;
  decide(id: number, decision: Decision): Promise<ApprovalView[]>;
  settings(): Promise<SettingsView>;
  updateSettings(settings: EngineSettings): Promise<SettingsView>;
  useProfile(name: string): Promise<SettingsView>;
  removeProfile(name: string): Promise<SettingsView>;
  prefs(): Promise<UiPrefs>;
  setPrefs(prefs: UiPrefs): Promise<UiPrefs>;
  autostart(): Promise<boolean>;
  setAutostart(enabled: boolean): Promise<boolean>;
  /** Hides the window to the tray; false when there is no tray (the window stays). */
  hideWindow(): Promise<boolean>;
  /** The system's folder picker; null when the user cancels. */
  pickFolder(): Promise<string | null>;
  historySearch(query: HistoryQuery, offset: number, limit: number): Promise<HistoryPageView>;
  historyDetail(row: HistoryRowRef): Promise<HistoryDetailView>;
  historyCharts(query: HistoryQuery): Promise<HistoryChartsView>;
  historyExport(query: HistoryQuery, format: ExportFormat): Promise<ExportView>;
  historySyncStatus(): Promise<HistorySyncView>;
  historySyncNow(): Promise<HistorySyncView>;
}

const tauriApi: Api = {
  appInfo: () => commands.appInfo(),
  serverStatus: () => commands.serverStatus(),
  serverRestart: () => unwrap(commands.serverRestart()),
  startDemo: () => unwrap(commands.wizardStartDemo()),
  checkToken: (token, instanceUrl) => unwrap(commands.wizardCheckToken(token, instanceUrl)),
  instances: (token, typedUrl) => unwrap(commands.wizardInstances(token, typedUrl)),
  wizardWorkspaces: (instanceUrl, token) => unwrap(commands.wizardWorkspaces(instanceUrl, token)),
  saveAccount: (input) => unwrap(commands.wizardSaveAccount(input)),
  accessLevels: () => commands.wizardAccessLevels(),
  liveCheck: () => unwrap(commands.wizardLiveCheck()),
  finishSetup: () => unwrap(commands.wizardFinish()),
  workspaces: () => unwrap(commands.workspacesList()),
  dashboard: () => unwrap(commands.dashboardGet()),
  tokens: () => unwrap(commands.tokensList()),
  createToken: (input) => unwrap(commands.tokensCreate(input)),
  updateToken: (input) => unwrap(commands.tokensUpdate(input)),
  revokeToken: (name) => unwrap(commands.tokensRevoke(name)),
  clients: (project) => unwrap(commands.clientsList(project ?? null)),
  planClients: (input) => unwrap(commands.clientsPlan(input)),
  applyClients: (ids) => unwrap(commands.clientsApply(ids)),
  tools: () => commands.playgroundTools(),
  preview: (tool, args) => unwrap(commands.playgroundPreview(tool, args as never)),
  run: (tool, args) => unwrap(commands.playgroundRun(tool, args as never)),
  approvals: () => commands.approvalsPending(),
  decide: (id, decision) => unwrap(commands.approvalsDecide(id, decision)),
  settings: () => unwrap(commands.settingsGet()),
  updateSettings: (settings) => unwrap(commands.settingsUpdate(settings)),
  useProfile: (name) => unwrap(commands.profilesUse(name)),
  removeProfile: (name) => unwrap(commands.profilesRemove(name)),
  prefs: () => unwrap(commands.prefsGet()),
  setPrefs: (prefs) => unwrap(commands.prefsSet(prefs)),
  autostart: () => unwrap(commands.autostartGet()),
  setAutostart: (enabled) => unwrap(commands.autostartSet(enabled)),
  hideWindow: () => commands.windowHide(),
  pickFolder: () => unwrap(commands.pickFolder()),
  historySearch: (query, offset, limit) => unwrap(commands.historySearch(query, offset, limit)),
  historyDetail: (row) => unwrap(commands.historyDetail(row)),
  historyCharts: (query) => unwrap(commands.historyCharts(query)),
  historyExport: (query, format) => unwrap(commands.historyExport(query, format)),
  historySyncStatus: () => unwrap(commands.historySyncStatus()),
  historySyncNow: () => unwrap(commands.historySyncNow()),
};

/** True when the page runs inside the Tauri webview (and not in a plain browser tab). */
export function insideTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** The app's API: the real one inside Tauri, the fake in a plain browser. */
export function api(): Api {
  return insideTauri() ? tauriApi : fakeApi;
}

/** Name and version of the app; in a plain browser a placeholder says so. */
export async function appInfo(): Promise<AppInfo> {
  return api().appInfo();
}

type Unlisten = () => void;

/** Calls `cb` on every server state change; resolves to the function that stops listening. */
export function onServerChanged(cb: (s: ServerStatus) => void): Promise<Unlisten> {
  return insideTauri() ? events.serverChanged.listen((e) => cb(e.payload)) : Promise.resolve(() => {});
}

export function onCallRecorded(cb: (c: CallView) => void): Promise<Unlisten> {
  return insideTauri() ? events.callRecorded.listen((e) => cb(e.payload)) : Promise.resolve(() => {});
}

export function onApprovalsChanged(cb: () => void): Promise<Unlisten> {
  if (!insideTauri()) return Promise.resolve(() => {});
  return Promise.all([events.approvalRequested.listen(() => cb()), events.approvalResolved.listen(() => cb())]).then(
    ([a, b]) =>
      () => {
        a();
        b();
      },
  );
}

/** Calls `cb` when a workspace's history sync starts, moves on, or ends. */
export function onHistorySync(cb: (s: WorkspaceSyncView) => void): Promise<Unlisten> {
  return insideTauri() ? events.historySyncChanged.listen((e) => cb(e.payload)) : Promise.resolve(() => {});
}
