//! Background job runs on both backends: one run per (job, slot), listed newest first, of one
//! job or of all.

use einv_store::*;

use crate::fixtures::now;

einv_store::both_backends!(job_runs_are_listed_of_one_job_or_all);

async fn job_runs_are_listed_of_one_job_or_all(store: &Store) {
    for (job, slot) in [
        ("licence-sweep", 1),
        ("consent-lapse", 1),
        ("licence-sweep", 2),
    ] {
        let claimed = store.claim_job_run(job, slot, "node-a", now()).await;
        assert!(claimed.unwrap().is_some(), "{job} {slot} is new");
    }
    let again = store
        .claim_job_run("licence-sweep", 2, "node-b", now())
        .await;
    assert_eq!(again.unwrap(), None, "a slot runs once");
    let listed = |runs: Vec<JobRunRecord>| -> Vec<(String, i64)> {
        runs.into_iter().map(|r| (r.job, r.slot)).collect()
    };
    let sweeps = store.job_runs(Some("licence-sweep"), 10).await.unwrap();
    assert_eq!(
        listed(sweeps),
        [
            ("licence-sweep".to_owned(), 2),
            ("licence-sweep".to_owned(), 1)
        ]
    );
    let latest = store.job_runs(None, 2).await.unwrap();
    assert_eq!(
        listed(latest),
        [
            ("licence-sweep".to_owned(), 2),
            ("consent-lapse".to_owned(), 1)
        ]
    );
}
