//! The fixture every test starts from: the test app, a seller with a QR seed key, a charity,
//! the fixture User (consented, with an aggregated EasyCard) and another User, 157 invoices,
//! the 11510 draw.

use einv_core::prize::WinningNumbers;
use einv_core::{Period, Service};
use einv_store::*;

use super::*;

impl TestApp {
    pub(super) async fn seed(&self) {
        let p = &self.platform;
        let now = start_time();
        p.store_app("test app", &Service::ALL, &app_id(), API_KEY)
            .await
            .unwrap();
        let store = self.store();
        store
            .upsert_seller(&Seller {
                ban: "04595257".parse().unwrap(),
                name: "示範商店".into(),
                address: "台北市".into(),
                qr_seed_key: Some(SEED_KEY.into()),
            })
            .await
            .unwrap();
        store
            .upsert_charity(&Charity {
                love_code: "919".parse().unwrap(),
                ban: "10458575".parse().unwrap(),
                name: "創世社會福利基金會".into(),
                abbrev: "創世".into(),
            })
            .await
            .unwrap();
        let hash = p.codes.hash(CODE).unwrap();
        let user = store
            .create_user(&BARCODE.parse().unwrap(), &hash, now)
            .await
            .unwrap();
        // R5.2: the fixture User consented to the test app, so v1 carrier calls are allowed.
        // Stored directly, like the rest of the fixture, so the audit trail starts empty.
        let consent = einv_server::services::standard_consent(&Service::ALL);
        let request = einv_core::consent::ConsentRequest::parse(&consent).unwrap();
        let grant = einv_core::consent::ConsentGrant::give(request, now);
        store
            .insert_consent_grant(user.id, &app_id(), &grant, None)
            .await
            .unwrap();
        store
            .register_redirect_uri(&app_id(), REDIRECT_URI)
            .await
            .unwrap();
        let other_hash = p.codes.hash("Other999").unwrap();
        store
            .create_user(&"/OTHER01".parse().unwrap(), &other_hash, now)
            .await
            .unwrap();
        let mut batch = vec![
            on_barcode("AB00000001", (2026, 11, 20), |_| {}),
            on_barcode("AB00000002", (2026, 11, 21), |d| {
                d.donated = true;
                d.npoban = Some("919".into());
            }),
            on_barcode("AB00000003", (2026, 11, 22), |d| {
                d.buyer_id = Some("10458574".into())
            }),
            on_barcode("AB12345678", (2026, 10, 5), |_| {}),
            invoice(
                "AB00000004",
                (2026, 11, 23),
                Some(("1K0001", EASYCARD)),
                |d| d.carrier_id2 = Some(EASYCARD_HIDDEN.into()),
            ),
            invoice("CD00000001", (2026, 11, 20), None, |d| {
                d.random_number = Some("9999".into())
            }),
            invoice(
                "EF00000001",
                (2026, 11, 20),
                Some(("3J0002", "/OTHER01")),
                |_| {},
            ),
        ];
        for n in 0..150 {
            let day = 1 + n % 28;
            batch.push(invoice(
                &format!("GH{:08}", n),
                (2026, 9, day),
                Some(("3J0002", BARCODE)),
                |_| {},
            ));
        }
        store.insert_invoices(&batch, now).await.unwrap();
        // The EasyCard is aggregated with proof: the invoice above carries its hidden code.
        let link = CarrierLink {
            carrier_type: "1K0001".parse().unwrap(),
            id1: EASYCARD.into(),
            id2: EASYCARD_HIDDEN.into(),
            name: "悠遊卡".into(),
        };
        store
            .link_carrier(user.id, &link, CarrierProof::HiddenCode, now)
            .await
            .unwrap();
        let draw = draw_11510(&[12_345_678, 85_250_862, 61_472_404]);
        p.publish_draw(&draw).await.unwrap();
    }
}

/// The 11510 draw (special prize 88515559, grand prize 47551146, no additional sixth prizes)
/// with these `first_prizes`: the fixture's, or a correction of it.
pub fn draw_11510(first_prizes: &[u32]) -> WinningNumbers {
    let period = Period::parse("11510").unwrap();
    WinningNumbers::new(period, 88_515_559, &[47_551_146], first_prizes, &[]).unwrap()
}

/// An invoice on the fixture User's mobile barcode, `tweak`ed.
fn on_barcode(
    number: &str,
    date: (i32, u32, u32),
    tweak: impl FnOnce(&mut einv_core::InvoiceDraft),
) -> einv_core::Invoice {
    invoice(number, date, Some(("3J0002", BARCODE)), tweak)
}
