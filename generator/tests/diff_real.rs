//! `sdkgen diff` on a real pair of consecutive versions: Adyen's Transfers API
//! v3 → v4 (`tests/fixtures/diff/adyen-transfers/`, see its README). The
//! entries asserted here were checked by hand against the two files.

use std::path::{Path, PathBuf};

use sdkgen::diff::{self, Changelog, Format, Impact, Level, Location, Verdict};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/diff/adyen-transfers").join(name)
}

fn changelog() -> Changelog {
    diff::compare_files(&fixture("v3.json"), &fixture("v4.json"), None).unwrap_or_else(|d| panic!("{d}")).0
}

fn entry<'a>(log: &'a Changelog, check: &str, schema: &str, path: &str) -> &'a diff::Entry {
    let at = Location::Schema { name: schema.into(), path: path.into() };
    log.entries
        .iter()
        .find(|e| e.check == check && e.location == at)
        .unwrap_or_else(|| panic!("no {check} at {schema}.{path} in {:#?}", log.entries))
}

#[test]
fn adyen_transfers_v3_to_v4() {
    let log = changelog();
    assert_eq!((log.old_api_version.as_str(), log.new_api_version.as_str()), ("3", "4"));
    // The seven operations are the same in both files: no operation entry.
    assert!(log.entries.iter().all(|e| matches!(e.location, Location::Schema { .. })), "{:#?}", log.entries);
    assert_eq!((log.count(Level::Breaking), log.count(Level::NonBreaking), log.count(Level::Info)), (18, 9, 0));
    assert_eq!(log.verdict("1.0.0"), Verdict::Major);
    assert_eq!(log.next_version("1.0.0").as_deref(), Some("2.0.0"));
    assert_eq!(log.verdict("0.1.0"), Verdict::Minor);
    assert_eq!(log.next_version("0.1.0").as_deref(), Some("0.2.0"));

    // `Transaction.accountHolder` is new and required (v4 `required` lists it).
    let e = entry(&log, "response-required-property-added", "Transaction", "accountHolder");
    assert_eq!(e.wire, Impact::Compatible);
    assert_eq!(e.rust, Impact::Breaking("`Transaction::new()` takes a new argument `account_holder`".into()));
    // `Transaction.transfer` is new and optional.
    let e = entry(&log, "response-optional-property-added", "Transaction", "transfer");
    assert_eq!((e.level, &e.rust), (Level::NonBreaking, &Impact::Compatible));
    // `Transaction.accountHolderId` (required in v3) is gone.
    let e = entry(&log, "response-property-removed", "Transaction", "accountHolderId");
    assert_eq!(e.wire, Impact::Breaking("clients reading it get nothing".into()));
    assert_eq!(e.rust, Impact::Breaking("the field `Transaction::account_holder_id` is gone".into()));
    // `Transfer.priority` is gone, `Transfer.categoryData` (a oneOf) is new.
    entry(&log, "response-property-removed", "Transfer", "priority");
    entry(&log, "response-optional-property-added", "Transfer", "categoryData");
    // New schemas, among them the four `categoryData` alternatives.
    let added: Vec<&str> = log.entries.iter().filter(|e| e.check == "api-schema-added").map(|e| e.location.group()).collect();
    assert_eq!(
        added,
        [
            "BankCategoryData",
            "InternalCategoryData",
            "IssuedCard",
            "PlatformPayment",
            "RelayedAuthorisationData",
            "TransferData",
            "TransferNotificationValidationFact"
        ]
    );

    let text = log.render(Format::Text, "0.1.0");
    assert!(
        text.starts_with(
            "sdkgen diff: 18 breaking, 9 additions, 0 other (the crate goes 0.1.0 → 0.2.0: breaking)\nAPI version 3 → 4\n## Schemas\n"
        ),
        "{text}"
    );
}
