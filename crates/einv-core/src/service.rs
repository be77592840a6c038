//! The services of the e-invoice API (R3.6), which a licence grants one by one (R4.5).

use serde::{Deserialize, Serialize};

/// One service of the API. R3.6: query, display or download a User's e-invoices and
/// winning-invoice data, plus cloud-invoice donation and carrier aggregation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Service {
    /// Winning numbers: public data.
    WinningNumbers,
    /// Invoice header and detail by the proof copy's QR code or barcode.
    InvoiceLookup,
    /// A User's carrier invoices: list and detail.
    CarrierInvoices,
    /// Donating a User's cloud invoice to a charity, and the love-code search that finds it.
    Donation,
    /// The carriers aggregated under a User's mobile barcode.
    CarrierAggregation,
}

impl Service {
    /// Every service.
    pub const ALL: [Service; 5] = [
        Service::WinningNumbers,
        Service::InvoiceLookup,
        Service::CarrierInvoices,
        Service::Donation,
        Service::CarrierAggregation,
    ];

    /// The stable name used in storage, configuration and the v2 API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WinningNumbers => "winning-numbers",
            Self::InvoiceLookup => "invoice-lookup",
            Self::CarrierInvoices => "carrier-invoices",
            Self::Donation => "donation",
            Self::CarrierAggregation => "carrier-aggregation",
        }
    }

    /// Whether the service reads a User's own data, and so needs that User's consent (R5.2).
    pub fn reads_user_data(self) -> bool {
        matches!(
            self,
            Self::CarrierInvoices | Self::Donation | Self::CarrierAggregation
        )
    }

    /// The name in Traditional Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::WinningNumbers => "中獎號碼查詢",
            Self::InvoiceLookup => "發票查詢（證明聯條碼）",
            Self::CarrierInvoices => "載具發票查詢",
            Self::Donation => "雲端發票捐贈",
            Self::CarrierAggregation => "載具歸戶查詢",
        }
    }
}

impl Service {
    /// The name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::WinningNumbers => "Winning numbers",
            Self::InvoiceLookup => "Invoice lookup (proof-copy barcode)",
            Self::CarrierInvoices => "Carrier invoices",
            Self::Donation => "Cloud-invoice donation",
            Self::CarrierAggregation => "Carriers under your barcode",
        }
    }
}

crate::word_text!(Service, "service", "service");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_roundtrip() {
        for s in Service::ALL {
            assert_eq!(s.as_str().parse::<Service>().unwrap(), s);
        }
        assert_eq!("x".parse::<Service>().unwrap_err().field, "service");
    }
}
