//! "Sign every call": a licence setting under which every v1 action of its AppID must carry
//! the MOF signature, the actions the Ministry leaves unsigned (carrierInvChk,
//! carrierInvDetail, QryWinningList, qryInvHeader, qryInvDetail, qryLoveCode) included. Without
//! it an unsigned call is trusted on the AppID it claims, which anyone can send.
//!
//! On for every licence created from now on; licences that existed before keep the
//! Ministry's behaviour until a reviewer (or the operator) requires it or their Developer
//! turns it on. Only a reviewer or the operator can turn it off.

use super::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::services::Platform;
use einv_core::LicenceId;

impl Platform {
    /// Whether licence `licence_id` requires a signature on every v1 call.
    pub async fn signs_every_call(&self, licence_id: LicenceId) -> ServiceResult<bool> {
        self.licence(licence_id).await?;
        Ok(self.store.sign_every_call(licence_id).await?)
    }

    /// Sets "sign every call" on licence `licence_id`. A Developer may only turn it on, and
    /// only on their own licence; a reviewer or the operator may set it either way.
    pub async fn set_sign_every_call(
        &self,
        actor: Actor,
        licence_id: LicenceId,
        on: bool,
    ) -> ServiceResult<()> {
        match actor {
            Actor::Developer(developer_id) => {
                self.developer_licence(developer_id, licence_id).await?;
                if !on {
                    return Err(ServiceError::Refused {
                        rule: "R4.1",
                        reason: "only a reviewer can let a licence's AppID call unsigned".into(),
                    });
                }
            }
            Actor::Reviewer(_) | Actor::Operator => {
                self.licence(licence_id).await?;
            }
            Actor::Registry | Actor::Clock => {
                return Err(ServiceError::Refused {
                    rule: "R4.1",
                    reason: format!("{actor} cannot change how an AppID signs"),
                })
            }
        }
        let now = self.clock.now();
        self.store
            .set_sign_every_call(licence_id, on, &actor.to_string(), now)
            .await?;
        tracing::info!(licence.id = licence_id.get(), actor = %actor, on, "sign every call set");
        Ok(())
    }
}
