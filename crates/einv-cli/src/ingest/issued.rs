//! Invoices reach a mobile barcode only if the Platform issued it (ownership is proven, never
//! claimed): an invoice to a barcode no User was ever given would otherwise wait for whoever
//! later registers that barcode. The importer rejects such invoices with the reason.

use einv_core::carrier::MOBILE_BARCODE;
use einv_core::invoice::Invoice;
use einv_store::{Store, StoreResult};

/// The positions in `invoices` of those sent to a mobile barcode the Platform never issued,
/// ascending, with the reason to report.
pub async fn unissued(store: &Store, invoices: &[Invoice]) -> StoreResult<Vec<(usize, String)>> {
    let to_barcode = |inv: &Invoice| {
        inv.header
            .carrier
            .as_ref()
            .filter(|c| c.carrier_type.as_str() == MOBILE_BARCODE)
            .map(|c| c.id1.clone())
    };
    let mut barcodes: Vec<String> = invoices.iter().filter_map(to_barcode).collect();
    if barcodes.is_empty() {
        return Ok(Vec::new());
    }
    barcodes.sort_unstable();
    barcodes.dedup();
    let refs: Vec<&str> = barcodes.iter().map(String::as_str).collect();
    let issued = store.issued_barcodes(&refs).await?;
    Ok(invoices
        .iter()
        .enumerate()
        .filter_map(|(i, inv)| {
            let barcode = to_barcode(inv)?;
            (!issued.contains(&barcode)).then(|| {
                (
                    i,
                    "the mobile barcode was never issued by the Platform: no User holds it, so \
                     the invoice is not stored"
                        .to_owned(),
                )
            })
        })
        .collect())
}
