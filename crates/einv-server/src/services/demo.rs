//! The demo data set: reproducible sellers, charities, Users, a few thousand invoices over the
//! last six periods, winning numbers for the periods already drawn, and one approved AppID —
//! so a new user sees a real response within a minute.

use chrono::{Duration, NaiveDate};
use einv_core::business_id::passes_checksum;
use einv_core::invoice::ItemDraft;
use einv_core::prize::WinningNumbers;
use einv_core::{
    BusinessId, CarrierType, Invoice, InvoiceDraft, InvoiceNumber, LoveCode, Period, Service,
};
use einv_store::{CarrierLink, Charity, Seller};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::error::{ServiceError, ServiceResult};
use crate::services::Platform;

/// The demo AppID.
pub const DEMO_APP_ID: &str = "EINVDEMO000001";
/// The demo Users' verification codes. Their mobile barcodes are issued by the Platform on
/// registration like anyone's (no one chooses a barcode), drawn from a seeded generator so the
/// demo's barcodes are the same on every run.
pub const DEMO_CODES: [&str; 3] = ["Demo1234", "Secret99", "Passw0rd"];

const SEED: u64 = 20_231_231;
/// Seeds the generator the demo Users' barcodes are drawn from.
const BARCODE_SEED: u64 = 20_231_232;

/// The barcode the Platform issues to the first demo User on a fresh data set.
fn first_demo_barcode() -> String {
    let mut rng = StdRng::seed_from_u64(BARCODE_SEED);
    einv_core::MobileBarcode::issue(|n| rng.gen_range(0..n))
        .as_str()
        .to_owned()
}
const STORES: [(&str, &str); 8] = [
    ("全家便利商店 示範店", "台北市信義區松高路1號"),
    ("統一超商 示範門市", "台北市中正區忠孝西路1段49號"),
    ("示範咖啡股份有限公司", "台中市西屯區台灣大道3段99號"),
    ("示範量販店", "高雄市前鎮區中華五路789號"),
    ("示範書店", "台北市大安區敦化南路1段245號"),
    ("示範藥局", "新北市板橋區文化路1段100號"),
    ("示範加油站", "桃園市中壢區中正路200號"),
    ("示範電商有限公司", "台南市東區大學路1號"),
];
const CHARITIES: [(&str, &str, &str); 6] = [
    ("919", "創世社會福利基金會", "創世基金會"),
    ("8585", "台灣兒童暨家庭扶助基金會", "家扶基金會"),
    ("5299", "財團法人罕見疾病基金會", "罕病基金會"),
    ("25885", "伊甸社會福利基金會", "伊甸基金會"),
    ("7495", "董氏基金會", "董氏"),
    ("51811", "財團法人陽光社會福利基金會", "陽光基金會"),
];
const PRODUCTS: [(&str, i64); 10] = [
    ("乾電池", 105),
    ("口罩", 210),
    ("牛奶", 25),
    ("咖啡", 55),
    ("便當", 85),
    ("衛生紙", 129),
    ("洗髮精", 239),
    ("筆記本", 45),
    ("汽油 95 無鉛", 620),
    ("礦泉水", 20),
];

/// What the demo prints and writes to `demo.json`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoCredentials {
    /// The demo AppID.
    #[serde(rename = "appID")]
    pub app_id: String,
    /// Its APIKey.
    pub api_key: String,
    /// `3J0002`.
    pub card_type: String,
    /// A demo User's mobile barcode.
    pub card_no: String,
    /// Its verification code.
    pub card_encrypt: String,
}

/// Seeds the demo data set unless it is there already; returns the credentials either way.
pub async fn seed(platform: &Platform) -> ServiceResult<DemoCredentials> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let api_key: String = (0..32)
        .map(|_| char::from(rng.sample(rand::distributions::Alphanumeric)))
        .collect();
    let credentials = DemoCredentials {
        app_id: DEMO_APP_ID.into(),
        api_key: api_key.clone(),
        card_type: einv_core::carrier::MOBILE_BARCODE.into(),
        card_no: first_demo_barcode(),
        card_encrypt: DEMO_CODES[0].into(),
    };
    if platform.store.find_app(DEMO_APP_ID).await?.is_some() {
        return Ok(credentials);
    }
    let sellers = seed_parties(platform, &mut rng).await?;
    let (users, carriers) = seed_users(platform).await?;
    let today = platform.today();
    let mut period = Period::of_date(today);
    for _ in 0..6 {
        let numbers = seed_period(platform, &mut rng, period, today, &sellers, &carriers).await?;
        if today >= period.draw_date() {
            platform
                .publish_draw(&demo_draw(&mut rng, period, &numbers)?)
                .await?;
        }
        period = period.previous();
    }
    // Ownership is proven, never claimed: each EasyCard is aggregated once sellers have
    // uploaded invoices carrying its hidden code, which is the proof.
    for (user, link) in &users {
        platform.link_proven_carrier(*user, link).await?;
    }
    platform
        .store_app("einv demo app", &Service::ALL, DEMO_APP_ID, &api_key)
        .await?;
    seed_consents(platform, &users).await?;
    Ok(credentials)
}

fn random_ban(rng: &mut StdRng) -> String {
    loop {
        let digits: [u8; 8] = std::array::from_fn(|_| b'0' + rng.gen_range(0..10u8));
        if passes_checksum(&digits) && digits != [b'0'; 8] {
            return String::from_utf8_lossy(&digits).into_owned();
        }
    }
}

async fn seed_parties(platform: &Platform, rng: &mut StdRng) -> ServiceResult<Vec<Seller>> {
    let mut bans = Vec::new();
    for (name, address) in STORES {
        let ban = random_ban(rng);
        let key: String = (0..32)
            .map(|_| char::from(b"0123456789ABCDEF"[rng.gen_range(0..16)]))
            .collect();
        let seller = Seller {
            ban: BusinessId::parse(&ban).map_err(ServiceError::from)?,
            name: name.into(),
            address: address.into(),
            qr_seed_key: Some(key),
        };
        platform.store.upsert_seller(&seller).await?;
        bans.push(seller);
    }
    for (code, name, abbrev) in CHARITIES {
        let charity = Charity {
            love_code: LoveCode::parse(code).map_err(ServiceError::from)?,
            ban: BusinessId::parse(&random_ban(rng)).map_err(ServiceError::from)?,
            name: name.into(),
            abbrev: abbrev.into(),
        };
        platform.store.upsert_charity(&charity).await?;
    }
    Ok(bans)
}

/// Registers the demo Users (the Platform issues their barcodes), each with an EasyCard to be
/// aggregated under the barcode. Returns the Users with their EasyCards, and the carriers
/// invoices go to.
#[allow(clippy::type_complexity)]
async fn seed_users(
    platform: &Platform,
) -> ServiceResult<(Vec<(i64, CarrierLink)>, Vec<(&'static str, String, String)>)> {
    let mut rng = StdRng::seed_from_u64(BARCODE_SEED);
    let mut users = Vec::new();
    let mut carriers = Vec::new();
    for (n, code) in DEMO_CODES.iter().enumerate() {
        let user = platform.register_user_with(code, &mut rng).await?;
        let card = format!("00000{n}1234567");
        let link = CarrierLink {
            carrier_type: CarrierType::parse("1K0001").map_err(ServiceError::from)?,
            id1: card.clone(),
            id2: format!("H{card}"),
            name: "悠遊卡".into(),
        };
        carriers.push((
            "3J0002",
            user.mobile_barcode.to_string(),
            user.mobile_barcode.to_string(),
        ));
        carriers.push(("1K0001", card, link.id2.clone()));
        users.push((user.id, link));
    }
    Ok((users, carriers))
}

/// The demo Users consent to the demo app (R5.2), so the README's calls work at once; the demo
/// app may redirect to loopback addresses in the OAuth flow.
async fn seed_consents(platform: &Platform, users: &[(i64, CarrierLink)]) -> ServiceResult<()> {
    let fields = crate::services::standard_consent(&Service::ALL);
    for (user, _) in users {
        platform
            .grant_consent(*user, DEMO_APP_ID, &fields, None)
            .await?;
    }
    for uri in ["http://127.0.0.1/callback", "http://localhost/callback"] {
        platform
            .store
            .register_redirect_uri(DEMO_APP_ID, uri)
            .await?;
    }
    Ok(())
}

/// About 500 invoices for `period` (up to `today`); returns the numbers of the demo Users'.
async fn seed_period(
    platform: &Platform,
    rng: &mut StdRng,
    period: Period,
    today: NaiveDate,
    sellers: &[Seller],
    carriers: &[DemoCarrier],
) -> ServiceResult<Vec<InvoiceNumber>> {
    let track: String = (0..2)
        .map(|_| char::from(b'A' + rng.gen_range(0..26u8)))
        .collect();
    let mut batch = Vec::new();
    let mut user_numbers = Vec::new();
    let mut date = period.first_day();
    let mut serial = rng.gen_range(10_000_000..90_000_000u32);
    while date <= period.last_day() && date <= today {
        for _ in 0..8 {
            serial += rng.gen_range(1..50);
            let number = InvoiceNumber::parse(&format!("{track}{serial:08}"))?;
            let invoice = demo_invoice(rng, date, number, sellers, carriers)?;
            if invoice.header.carrier.is_some() {
                user_numbers.push(number);
            }
            batch.push(invoice);
        }
        date += Duration::days(1);
    }
    platform
        .store
        .insert_invoices(&batch, platform.clock.now())
        .await?;
    Ok(user_numbers)
}

/// A carrier invoices go to: type, visible ID, hidden ID.
type DemoCarrier = (&'static str, String, String);

fn demo_invoice(
    rng: &mut StdRng,
    date: NaiveDate,
    number: InvoiceNumber,
    sellers: &[Seller],
    carriers: &[DemoCarrier],
) -> ServiceResult<Invoice> {
    let roll = rng.gen_range(0..100);
    let b2b = roll < 3;
    let carrier = if (3..70).contains(&roll) {
        carriers.choose(rng).cloned()
    } else {
        None
    };
    let donated = carrier.is_some() && roll % 17 == 0;
    let mut total = 0;
    let items: Vec<ItemDraft> = (1..=rng.gen_range(1..=4))
        .map(|_| {
            let (name, price) = PRODUCTS[rng.gen_range(0..PRODUCTS.len())];
            let qty = rng.gen_range(1..=3);
            total += qty * price;
            ItemDraft {
                row: None,
                description: name.into(),
                quantity: qty.to_string(),
                unit_price: price.to_string(),
                amount: (qty * price).to_string(),
            }
        })
        .collect();
    let tax = (total as f64 / 21.0).round() as i64;
    let seller = &sellers[rng.gen_range(0..sellers.len())];
    let draft = InvoiceDraft {
        number: number.to_string(),
        date: Some(date),
        time: format!(
            "{:02}:{:02}:{:02}",
            rng.gen_range(7..23),
            rng.gen_range(0..60),
            rng.gen_range(0..60)
        ),
        seller_id: seller.ban.to_string(),
        seller_name: seller.name.clone(),
        seller_address: seller.address.clone(),
        buyer_id: b2b.then(|| random_ban(rng)),
        random_number: Some(format!("{:04}", rng.gen_range(0..10_000))),
        sales_amount: (total - tax).to_string(),
        tax_type: "1".into(),
        tax_amount: Some(tax.to_string()),
        total_amount: total.to_string(),
        printed: carrier.is_none(),
        carrier_type: carrier.as_ref().map(|c| c.0.to_owned()),
        carrier_id1: carrier.as_ref().map(|c| c.1.clone()),
        carrier_id2: carrier.as_ref().map(|c| c.2.clone()),
        donated,
        npoban: donated.then(|| CHARITIES[0].0.to_owned()),
        items,
        ..InvoiceDraft::default()
    };
    Invoice::new(draft).map_err(|e| {
        ServiceError::Internal(crate::error::InternalError::caused_by("demo invoice", e))
    })
}

/// A draw in which some demo Users' invoices win: one first prize and a few suffix prizes.
fn demo_draw(
    rng: &mut StdRng,
    period: Period,
    user_numbers: &[InvoiceNumber],
) -> ServiceResult<WinningNumbers> {
    let mut pick = || {
        user_numbers
            .choose(rng)
            .map(InvoiceNumber::digits)
            .unwrap_or(12_345_678)
    };
    let first = [
        pick(),
        pick() % 1_000 + 10_000_000 * 3 + 1_000 * 7,
        pick() % 100_000 + 40_000_000,
    ];
    Ok(WinningNumbers::new(
        period,
        88_515_559,
        &[47_551_146],
        &first,
        &[],
    )?)
}
