//! [`XanoAccess`]: one instance and the token to use on it, resolved from the profiles, the
//! keychain and the headless environment.
//!
//! Resolution ([`connect`]), first match wins:
//! 1. a profile named by the caller: its instance; the token from `XANO_TOKEN` when set, else
//!    from the keychain;
//! 2. `XANO_INSTANCE_URL` (headless): that instance with `XANO_TOKEN`;
//! 3. the active profile, as in 1;
//! 4. otherwise [`Error::NotSignedIn`] saying how to sign in (or what headless variable is
//!    missing).
//!
//! The token never leaves this module except inside a `xano::XanoClient` (or, for the one place
//! that stores it, through [`XanoAccess::token`]).

use crate::context::SetupContext;
use crate::error::{Error, Result};
use secrecy::ExposeSecret;
use serde::Serialize;
use vault::Profile;
use xano::{MetaBase, XanoClient, XanoToken};

/// Where the token of an [`XanoAccess`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenSource {
    /// `XANO_TOKEN`.
    Environment,
    /// The OS keychain entry of the profile.
    Keychain,
    /// Given by the caller (the wizard, before anything is saved).
    Given,
}

/// An instance and a token for it.
#[derive(Debug, Clone)]
pub struct XanoAccess {
    /// The profile it came from, if any (its branch and data source apply to the client).
    pub profile: Option<Profile>,
    /// The instance's Metadata API base.
    pub instance: MetaBase,
    pub token_source: TokenSource,
    token: XanoToken,
}

impl XanoAccess {
    /// A typed or discovered instance with a pasted token (nothing saved yet).
    pub fn direct(instance_url: &str, token: &str) -> Result<Self> {
        Ok(Self {
            profile: None,
            instance: MetaBase::parse(instance_url)?,
            token_source: TokenSource::Given,
            token: XanoToken::new(token),
        })
    }

    /// The token, for the one place that must store it (the keychain).
    pub fn token(&self) -> &XanoToken {
        &self.token
    }

    /// A client on the instance, with the profile's branch and data source.
    pub fn client(&self, ctx: &SetupContext) -> Result<XanoClient> {
        let client = ctx.client(self.instance.clone(), self.token.clone())?;
        Ok(match &self.profile {
            Some(p) => client
                .with_branch(p.branch.clone())
                .with_data_source(p.data_source.clone()),
            None => client,
        })
    }
}

/// Resolves the instance and token to use (see the module docs for the order).
pub async fn connect(ctx: &SetupContext, profile: Option<&str>) -> Result<XanoAccess> {
    if let Some(name) = profile {
        let found = ctx
            .profiles()?
            .get(name)?
            .ok_or_else(|| Error::profile_not_found(name))?;
        return from_profile(ctx, found).await;
    }
    if let Some(url) = &ctx.headless.instance_url {
        let instance = MetaBase::parse(url)?;
        return match &ctx.headless.token {
            Some(token) => Ok(XanoAccess {
                profile: None,
                instance,
                token_source: TokenSource::Environment,
                token: token.clone(),
            }),
            None => Err(Error::NotSignedIn {
                profile: None,
                message: format!(
                    "XANO_INSTANCE_URL is set ({instance}) but XANO_TOKEN is not. For headless use set XANO_TOKEN to a Xano Metadata API token as well; or unset XANO_INSTANCE_URL to use your saved profile."
                ),
            }),
        };
    }
    if let Some(active) = ctx.profiles()?.active()? {
        return from_profile(ctx, active).await;
    }
    Err(Error::NotSignedIn {
        profile: None,
        message: if ctx.headless.token.is_some() {
            "XANO_TOKEN is set but there is no instance to use it on. Set XANO_INSTANCE_URL to your instance address (e.g. https://x8ki-letl-twmt.n7.xano.io), or run `xano-mcp login`.".to_owned()
        } else {
            "You are not signed in to Xano yet. Run `xano-mcp login` (or use the app's setup), or for headless use set XANO_TOKEN and XANO_INSTANCE_URL.".to_owned()
        },
    })
}

/// The profile's instance with `XANO_TOKEN` or its keychain token.
async fn from_profile(ctx: &SetupContext, profile: Profile) -> Result<XanoAccess> {
    let instance = MetaBase::parse(&profile.instance_url)?;
    if let Some(token) = &ctx.headless.token {
        return Ok(XanoAccess {
            profile: Some(profile),
            instance,
            token_source: TokenSource::Environment,
            token: token.clone(),
        });
    }
    let key = profile.token_key()?;
    match ctx.vault.get(&key).await? {
        Some(secret) => Ok(XanoAccess {
            token: XanoToken::new(secret.expose_secret()),
            profile: Some(profile),
            instance,
            token_source: TokenSource::Keychain,
        }),
        None => Err(Error::NotSignedIn {
            message: format!(
                "The profile `{}` has no Xano token in the keychain (it was removed, or saved on another machine). Sign in again with `xano-mcp login --profile {}`.",
                profile.name, profile.name
            ),
            profile: Some(profile.name),
        }),
    }
}
