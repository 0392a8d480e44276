//! The setup commands: `login`, `logout`, `profiles`, `doctor`. Thin: each parses its arguments,
//! talks to the person at the terminal, and calls the use cases of `crates/core`.
//!
//! Rules:
//! - the Xano token is read from stdin when stdin is not a terminal, else from a prompt that does
//!   not echo; never from the command line (it would land in shell history and the process list),
//!   and it is never printed;
//! - `XANO_TOKEN` / `XANO_INSTANCE_URL` are honoured for headless use (`doctor`, the servers);
//! - without a usable keychain, commands that need it stop before asking for anything, with the
//!   vault's guidance (unlock the keyring, or set `XANO_TOKEN`);
//! - prompts and questions go to stderr, results to stdout.
//!
//! `XANO_MCP_ACCOUNT_URL` moves the account host (`https://app.xano.com/api:meta`), for tests
//! against `xano-sim` and for accounts on another Xano region.

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use core_api::{
    CheckStatus, DoctorOptions, Error as CoreError, ExpiryStatus, Headless, Paths, SetupContext,
    TokenExpiry, XanoInstance,
};
use std::io::{BufRead, IsTerminal, Read, Write};
use vault::Vault;
use xano::MetaBase;

/// The profile `login` creates when none is named and none exists for the instance.
const DEFAULT_PROFILE: &str = "default";

const TOKEN_ON_COMMAND_LINE: &str = "xano-mcp login does not take the token on the command line: \
it would be saved in your shell history and be visible to other programs and users in the process \
list (ps). Run `xano-mcp login` and paste the token when asked (the input is hidden), or pipe it \
in, e.g. `xano-mcp login < token.txt`. For headless use (servers, CI), set the XANO_TOKEN \
environment variable instead. If the token was typed into a shared shell, consider revoking it in \
Xano (Manage Access Tokens) and creating a new one.";

/// `xano-mcp login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Name of the profile to save (1-40 lowercase letters, digits, `-`, `_`). Default: the
    /// profile already set up for the instance, else `default`.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Your instance address (e.g. https://x8ki-letl-twmt.n7.xano.io), for self-hosted instances,
    /// custom domains, or to skip picking from the list.
    #[arg(long, value_name = "URL", env = "XANO_INSTANCE_URL")]
    instance: Option<String>,
    /// When the token expires, as Xano showed it when you created it: a date (2026-03-31), a
    /// number of days (7d), or `never`.
    #[arg(long, value_name = "DATE|DAYS")]
    expires: Option<String>,
    /// The workspace id calls use when they name none (checked against the instance).
    #[arg(long, value_name = "ID")]
    workspace: Option<i64>,
    /// The branch calls use when they name none, e.g. `dev` (checked; an empty value means the
    /// live branch). The app's history sync copies it beside the live branch.
    #[arg(long, value_name = "LABEL")]
    branch: Option<String>,
    /// The data source sent as `X-Data-Source`, e.g. `test` (checked; empty means Xano's default).
    #[arg(long, value_name = "LABEL")]
    data_source: Option<String>,
    /// Refused: see `--help`. The token is read from stdin or a hidden prompt.
    #[arg(long, hide = true, value_name = "TOKEN", num_args = 0..=1)]
    token: Option<Option<String>>,
    /// Refused, like `--token`.
    #[arg(hide = true, value_name = "TOKEN", num_args = 0.., allow_hyphen_values = true)]
    token_args: Vec<String>,
}

/// `xano-mcp logout`.
#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// The profile to sign out of (default: the active one).
    #[arg(long, value_name = "NAME", conflicts_with = "all")]
    profile: Option<String>,
    /// Forget everything: every profile's token in the keychain and the profiles file.
    #[arg(long)]
    all: bool,
}

/// `xano-mcp profiles`.
#[derive(Debug, Args)]
pub struct ProfilesArgs {
    /// Make this profile the active one.
    #[arg(long = "use", value_name = "NAME")]
    use_profile: Option<String>,
}

/// `xano-mcp doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The profile to check (default: what the server would use).
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// The MCP server port to check.
    #[arg(long, default_value_t = mcp::http::DEFAULT_PORT, env = "XANO_MCP_PORT")]
    port: u16,
}

/// The context every setup command runs in: the engine home, the OS keychain, the account host,
/// and `XANO_TOKEN` / `XANO_INSTANCE_URL`.
fn context() -> Result<SetupContext> {
    let paths = Paths::from_env()?;
    Ok(SetupContext::new(paths, Vault::os_keychain())
        .with_headless(Headless::from_env())
        .with_account_base(core_api::account_base_from_env()?))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Runs blocking terminal I/O off the async runtime.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| anyhow!("the terminal input task failed: {e}"))?
}

fn interactive() -> bool {
    std::io::stdin().is_terminal()
}

/// The token: from stdin when it is not a terminal (a pipe or a file), else from a hidden prompt.
fn read_token() -> Result<String> {
    let raw = if interactive() {
        rpassword::prompt_password(
            "Paste your Xano Metadata API token (Instances → ⚙ → Metadata API & MCP Server → Manage Access Tokens); the input is hidden: ",
        )
        .context("could not read the token from the terminal")?
    } else {
        let mut raw = String::new();
        std::io::stdin()
            .lock()
            .read_to_string(&mut raw)
            .context("could not read the token from stdin")?;
        raw
    };
    let token = raw.trim();
    if token.is_empty() {
        bail!(
            "No token was given. Paste the whole Xano Metadata API token when asked, or pipe it in (`xano-mcp login < token.txt`)."
        );
    }
    if token.contains(char::is_whitespace) {
        bail!(
            "What was given is not one token (it contains spaces or several lines). Give only the token itself."
        );
    }
    Ok(token.to_owned())
}

/// Asks a question on stderr and reads one line from the terminal.
fn ask(question: &str) -> Result<String> {
    let mut err = std::io::stderr().lock();
    write!(err, "{question}")?;
    err.flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_owned())
}

/// Parses an expiry the user entered: `YYYY-MM-DD` (the start of that day, UTC), `7d` or `7`
/// (days from now), or `never` / `none`. `Ok(None)` means "does not expire / unknown".
fn parse_expiry(input: &str, now: i64) -> Result<Option<i64>> {
    let text = input.trim().to_ascii_lowercase();
    if text.is_empty() || text == "never" || text == "none" {
        return Ok(None);
    }
    let days = text.strip_suffix('d').unwrap_or(&text).trim();
    if let Ok(days) = days.parse::<i64>() {
        if !(1..=3650).contains(&days) {
            bail!("`{input}`: give between 1 and 3650 days");
        }
        return Ok(Some(now + days * 86_400));
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(&text, &format).map_err(|_| {
        anyhow!("`{input}` is not an expiry: give a date like 2026-03-31, a number of days like 7d, or `never`")
    })?;
    let at = date.midnight().assume_utc().unix_timestamp();
    if at <= now {
        bail!("`{input}` is in the past: that token has expired; create a new one in Xano");
    }
    Ok(Some(at))
}

/// `xano-mcp login`.
pub async fn login(args: LoginArgs) -> Result<()> {
    if args.token.is_some() || !args.token_args.is_empty() {
        bail!(TOKEN_ON_COMMAND_LINE);
    }
    let now = now();
    let expires = args
        .expires
        .as_deref()
        .map(|e| parse_expiry(e, now))
        .transpose()?;
    if let Some(name) = &args.profile {
        vault::validate_name("profile", name).map_err(CoreError::from)?;
    }
    let ctx = context()?;
    // Before asking for anything: a token that cannot be stored is not worth pasting.
    if let Err(err) = core_api::keychain_check(&ctx).await {
        if err.is_keychain_unavailable() && ctx.headless.token.is_some() {
            bail!(
                "{err}\nXANO_TOKEN is already set, so nothing needs to be stored: with XANO_INSTANCE_URL set too, `xano-mcp serve` and `xano-mcp doctor` use them directly."
            );
        }
        return Err(err.into());
    }
    let profiles = ctx.profiles()?;

    let token = blocking(read_token).await?;
    let (instance, check) = match args.instance.as_deref() {
        Some(url) => {
            let instance = core_api::instance_from_url(url)?;
            let check = core_api::validate_token(&ctx, &token, Some(&instance.meta_api)).await?;
            (instance, check)
        }
        None => {
            core_api::validate_token(&ctx, &token, None).await?;
            let instance = match core_api::discover_instances(&ctx, &token).await {
                Ok(instances) => pick_instance(instances).await?,
                Err(err @ CoreError::NoInstanceFound { .. }) if interactive() => {
                    eprintln!("{err}");
                    let typed = blocking(|| ask("Instance address: ")).await?;
                    if typed.is_empty() {
                        bail!("No instance address given; nothing was saved.");
                    }
                    core_api::instance_from_url(&typed)?
                }
                Err(err) => return Err(err.into()),
            };
            // Confirm on the instance itself (and learn which instance the token is for).
            let check = core_api::validate_token(&ctx, &token, Some(&instance.meta_api)).await?;
            (instance, check)
        }
    };

    let target_host = MetaBase::parse(&instance.meta_api)?.origin();
    let same_instance = |p: &vault::Profile| {
        MetaBase::parse(&p.instance_url).is_ok_and(|b| b.origin() == target_host)
    };
    let name = match &args.profile {
        Some(name) => name.clone(),
        None => {
            let existing = profiles.list()?;
            let active = profiles.active()?;
            if let Some(p) = active.filter(|p| same_instance(p)) {
                p.name
            } else if let Some(p) = existing.iter().find(|p| same_instance(p)) {
                p.name.clone()
            } else if let Some(p) = existing.iter().find(|p| p.name == DEFAULT_PROFILE) {
                bail!(
                    "The profile `{DEFAULT_PROFILE}` already points at {}. Add this instance as another profile with `xano-mcp login --profile NAME`, or replace it with `--profile {DEFAULT_PROFILE}`.",
                    p.instance_url
                );
            } else {
                DEFAULT_PROFILE.to_owned()
            }
        }
    };

    let mut profile = core_api::profile_for(&name, &instance, &check, now);
    if let Some(previous) = profiles.get(&name)? {
        profile.created_at = previous.created_at;
        if same_instance(&previous) {
            profile.default_workspace = previous.default_workspace;
            profile.branch = previous.branch.clone();
            profile.data_source = previous.data_source.clone();
        } else {
            eprintln!(
                "note: the profile `{name}` now points at {} (it was {}).",
                instance.meta_api, previous.instance_url
            );
        }
    }
    // Defaults given now replace the saved ones, after the instance confirms they exist.
    if args.workspace.is_some() || args.branch.is_some() || args.data_source.is_some() {
        let given = core_api::ProfileDefaults {
            workspace: args.workspace.or(profile.default_workspace),
            branch: args.branch.clone().or(profile.branch.clone()),
            data_source: args.data_source.clone().or(profile.data_source.clone()),
        };
        let checked =
            core_api::check_profile_defaults(&ctx, &instance.meta_api, &token, &given).await?;
        profile.default_workspace = checked.workspace;
        profile.branch = checked.branch;
        profile.data_source = checked.data_source;
    }
    profile.token_expires_at = match expires {
        Some(entered) => entered,
        None if check.expires_at.is_some() => check.expires_at,
        None if interactive() => {
            let answer = blocking(|| {
                ask("When does this token expire? Xano's default is 7 days. Enter a date (YYYY-MM-DD), days (7d), or leave empty if it never expires or you do not know: ")
            })
            .await?;
            parse_expiry(&answer, now)?
        }
        None => None,
    };

    let saved = core_api::save_profile(&ctx, profile, &token).await?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Signed in as {} <{}> on {}.",
        check.user.name,
        check.user.email,
        instance.label()
    )?;
    writeln!(
        out,
        "Profile `{}` {}{}; the token is in the OS keychain.",
        saved.profile.name,
        if saved.created { "saved" } else { "updated" },
        if saved.active { " (active)" } else { "" }
    )?;
    if !saved.active {
        writeln!(
            out,
            "Make it the active profile with `xano-mcp profiles --use {}`.",
            saved.profile.name
        )?;
    }
    if let Some(at) = saved.profile.token_expires_at {
        writeln!(out, "The token {}.", TokenExpiry::at(at, now).describe())?;
    }
    writeln!(out, "Check everything with `xano-mcp doctor`.")?;
    Ok(())
}

/// The only instance, or the user's pick.
async fn pick_instance(instances: Vec<XanoInstance>) -> Result<XanoInstance> {
    if instances.len() == 1 {
        return Ok(instances.into_iter().next().expect("one instance"));
    }
    let listing: Vec<String> = instances
        .iter()
        .enumerate()
        .map(|(i, inst)| format!("  {}. {}", i + 1, inst.label()))
        .collect();
    if !interactive() {
        bail!(
            "This token reaches {} instances; say which one with --instance URL:\n{}",
            instances.len(),
            instances
                .iter()
                .map(|i| format!("  {}", i.meta_api))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    eprintln!("This token reaches {} instances:", instances.len());
    eprintln!("{}", listing.join("\n"));
    let count = instances.len();
    let choice = blocking(move || ask(&format!("Use which one? [1-{count}]: "))).await?;
    let index: usize = choice
        .parse()
        .ok()
        .filter(|n| (1..=count).contains(n))
        .ok_or_else(|| {
            anyhow!("`{choice}` is not a number from 1 to {count}; nothing was saved.")
        })?;
    Ok(instances.into_iter().nth(index - 1).expect("checked index"))
}

/// `xano-mcp logout`.
pub async fn logout(args: LogoutArgs) -> Result<()> {
    let ctx = context()?;
    let mut out = std::io::stdout().lock();
    if args.all {
        core_api::keychain_check(&ctx).await?;
        let report = core_api::forget_everything(&ctx).await?;
        if report.profiles.is_empty() && report.keychain_entries.is_empty() {
            writeln!(
                out,
                "Nothing to forget: no profiles and no Xano tokens were stored."
            )?;
        } else {
            writeln!(
                out,
                "Forgot {} profile(s){} and removed {} token(s) from the OS keychain.",
                report.profiles.len(),
                if report.profiles.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", report.profiles.join(", "))
                },
                report.keychain_entries.len()
            )?;
            if report
                .keychain_entries
                .iter()
                .any(|a| a.starts_with("local-token/"))
            {
                writeln!(
                    out,
                    "Local access tokens still work for AI clients that hold them in their config; revoke them with `xano-mcp token revoke NAME`."
                )?;
            }
        }
        return Ok(());
    }
    let name = match args.profile {
        Some(name) => name,
        None => match ctx.profiles()?.active()? {
            Some(active) => active.name,
            None => bail!(
                "No profile is active, so there is nothing to sign out of. Name one with `xano-mcp logout --profile NAME` (see `xano-mcp profiles`), or forget everything with `xano-mcp logout --all`."
            ),
        },
    };
    let removed = core_api::remove_profile(&ctx, &name).await?;
    writeln!(
        out,
        "Signed out of `{}`: {}, and the profile is deleted.",
        removed.name,
        if removed.token_deleted {
            "its token was removed from the OS keychain"
        } else {
            "it had no token in the OS keychain"
        }
    )?;
    if removed.was_active && !ctx.profiles()?.list()?.is_empty() {
        writeln!(
            out,
            "No profile is active now; pick one with `xano-mcp profiles --use NAME`."
        )?;
    }
    Ok(())
}

/// `xano-mcp profiles`.
pub async fn profiles(args: ProfilesArgs) -> Result<()> {
    let ctx = context()?;
    let mut out = std::io::stdout().lock();
    if let Some(name) = args.use_profile {
        let profile = core_api::use_profile(&ctx, &name)?;
        writeln!(
            out,
            "Active profile: `{}` ({}).",
            profile.name, profile.instance_url
        )?;
        return Ok(());
    }
    let list = core_api::list_profiles(&ctx)?;
    if list.profiles.is_empty() {
        writeln!(out, "No profiles yet. Set one up with `xano-mcp login`.")?;
        return Ok(());
    }
    let now = now();
    let width = list
        .profiles
        .iter()
        .map(|p| p.name.len())
        .max()
        .unwrap_or(0);
    for p in &list.profiles {
        let marker = if list.active.as_deref() == Some(p.name.as_str()) {
            "*"
        } else {
            " "
        };
        let mut line = format!(
            "{marker} {:width$}  {}  {}",
            p.name, p.display_name, p.instance_url
        );
        if let Some(ws) = p.default_workspace {
            line.push_str(&format!("  workspace {ws}"));
        }
        if let Some(branch) = &p.branch {
            line.push_str(&format!("  branch {branch}"));
        }
        if let Some(source) = &p.data_source {
            line.push_str(&format!("  data source {source}"));
        }
        if let Some(at) = p.token_expires_at {
            let expiry = TokenExpiry::at(at, now);
            let flag = match expiry.status {
                ExpiryStatus::Valid => "",
                ExpiryStatus::ExpiresSoon => " (renew it soon)",
                ExpiryStatus::Expired => " (sign in again with a new token)",
            };
            line.push_str(&format!("  token {}{flag}", expiry.describe()));
        }
        writeln!(out, "{line}")?;
    }
    if list.active.is_none() {
        writeln!(
            out,
            "No profile is active; pick one with `xano-mcp profiles --use NAME`."
        )?;
    }
    Ok(())
}

/// `xano-mcp doctor`.
pub async fn doctor(args: DoctorArgs) -> Result<()> {
    let ctx = context()?;
    let clients = match clients::HomeLayout::from_env() {
        Ok(layout) => Some(layout),
        Err(err) => {
            eprintln!("note: AI client configs are not checked: {err}");
            None
        }
    };
    let options = DoctorOptions {
        profile: args.profile,
        port: args.port,
        clients,
        now: now(),
    };
    let report = core_api::doctor(&ctx, &options).await;
    let mut out = std::io::stdout().lock();
    writeln!(out, "xano-mcp doctor ({})", ctx.paths.home().display())?;
    for check in &report.checks {
        writeln!(
            out,
            "{:<5} {:<9} {}",
            check.status.label(),
            check.name,
            check.summary
        )?;
        if let Some(fix) = &check.fix {
            writeln!(out, "{:15} fix: {fix}", "")?;
        }
    }
    let failed = report
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .count();
    if failed > 0 {
        out.flush()?;
        bail!(
            "{failed} check(s) failed; fix what is marked FAIL above and run `xano-mcp doctor` again"
        );
    }
    writeln!(out, "All checks passed.")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

    #[test]
    fn expiry_input_forms() {
        assert_eq!(parse_expiry("7d", NOW).unwrap(), Some(NOW + 7 * 86_400));
        assert_eq!(parse_expiry(" 30 ", NOW).unwrap(), Some(NOW + 30 * 86_400));
        assert_eq!(parse_expiry("never", NOW).unwrap(), None);
        assert_eq!(parse_expiry("", NOW).unwrap(), None);
        assert_eq!(
            parse_expiry("2026-01-08", NOW).unwrap(),
            Some(NOW + 7 * 86_400)
        );
        for bad in ["0d", "yesterday", "2025-12-31", "2026-13-01"] {
            assert!(parse_expiry(bad, NOW).is_err(), "{bad}");
        }
    }
}
