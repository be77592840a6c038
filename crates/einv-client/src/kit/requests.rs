//! Users' requests to stop using or delete their data (R5.2, R6.1), as the Platform delivers
//! them: the kit erases the User's data, ends their consents and reports the request done.

use super::{ComplianceKit, KitStore, PurgeCounts};
use crate::platform::{DeletionRequest, PlatformClient};
use crate::Result;

/// A deletion request the kit carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandledRequest {
    /// The request as the Platform delivered it.
    pub request: DeletionRequest,
    /// The app's Users found for the request's barcode.
    pub users: Vec<String>,
    /// What was deleted for them.
    pub erased: PurgeCounts,
}

impl<S: KitStore> ComplianceKit<S> {
    /// Erases one User's invoices, carriers, verification codes and out-of-scope data and ends
    /// their consents (R5.2). The usage trail keeps the fact (R5.3).
    pub async fn erase_user(&self, user: &str, reason: &str) -> Result<PurgeCounts> {
        let counts = self.store.purge(Some(user), self.now()).await?;
        self.trail(user, "user.erased", format!("R5.2: {reason}"))
            .await?;
        Ok(counts)
    }

    /// Carries out every open deletion request the Platform holds for this app: acknowledges
    /// it, erases the data of the Users holding that barcode, and reports it complete. Every
    /// kind (`stop-use`, `stop-processing`, `delete`) erases: data the app may no longer use
    /// or process is data it need not keep.
    pub async fn handle_deletion_requests(
        &self,
        platform: &PlatformClient,
    ) -> Result<Vec<HandledRequest>> {
        let mut handled = Vec::new();
        for request in platform.deletion_requests().await? {
            if request.acknowledged_at.is_none() {
                platform.progress_deletion(request.id, false).await?;
            }
            let users = self.store.users_with_card(&request.mobile_barcode).await?;
            let mut erased = PurgeCounts::default();
            for user in &users {
                let c = self
                    .erase_user(user, &format!("{} request {}", request.kind, request.id))
                    .await?;
                erased.invoices += c.invoices;
                erased.carriers += c.carriers;
                erased.verification_codes += c.verification_codes;
                erased.out_of_scope += c.out_of_scope;
                erased.consents += c.consents;
                erased.users += c.users;
            }
            let request = platform.progress_deletion(request.id, true).await?;
            handled.push(HandledRequest {
                request,
                users,
                erased,
            });
        }
        Ok(handled)
    }
}
