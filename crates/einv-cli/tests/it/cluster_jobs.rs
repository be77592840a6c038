//! Background work on two real `einv serve` processes sharing one PostgreSQL database: each
//! job runs once per tick across the nodes, and every run is recorded.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use einv_store::Store;

use crate::cluster::{Cluster, ClusterSpec};

#[tokio::test]
async fn two_nodes_run_each_job_once_per_tick() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("einv.toml");
    // Every node polls each second; the checkpoint job has a one-second tick, the sweep a
    // two-second one, the rest are off.
    std::fs::write(
        &config,
        "[background]\npoll_seconds = 1\n[background.jobs]\naudit_checkpoint = 1\nlicence_sweep = 2\n\
         renewal_notices = 0\nconsent_lapse = 0\ndeletion_deadlines = 0\naudit_retention = 0\n\
         throttled_retention = 0\n",
    )
    .unwrap();
    let unix = || {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    };
    let started = unix();
    let cluster = Cluster::start(ClusterSpec {
        args: vec!["--config".into(), config.to_str().unwrap().into()],
        ..ClusterSpec::default()
    })
    .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let ended = unix();
    // The ticks of `every` seconds that began while the nodes ran: a job run once per tick can
    // run no more often than that.
    let ticks = |every: i64| ended / every - started / every + 1;
    let store = Store::connect(&cluster.db_url).await.unwrap();
    let runs = store.job_runs(None, 1000).await.unwrap();
    store.close().await;
    let of = |job: &str| runs.iter().filter(|r| r.job == job).collect::<Vec<_>>();
    let (checkpoints, sweeps) = (of("audit-checkpoint"), of("licence-sweep"));
    // Once per tick: never two runs of one slot, and no more runs than ticks went by (two
    // nodes each running every tick would make about twice as many).
    for job in [&checkpoints, &sweeps] {
        let mut slots: Vec<i64> = job.iter().map(|r| r.slot).collect();
        slots.sort_unstable();
        slots.dedup();
        assert_eq!(slots.len(), job.len(), "a slot ran twice: {job:?}");
    }
    assert!(checkpoints.len() >= 3, "{checkpoints:?}");
    assert!(
        checkpoints.len() as i64 <= ticks(1),
        "{} runs in {} ticks",
        checkpoints.len(),
        ticks(1)
    );
    assert!(
        sweeps.len() as i64 <= ticks(2),
        "{} sweeps in {} ticks",
        sweeps.len(),
        ticks(2)
    );
    assert!(
        runs.iter()
            .all(|r| r.outcome.as_str() == "ok" || r.outcome.as_str() == "running"),
        "{runs:?}"
    );
    assert_eq!(
        of("consent-lapse").len(),
        0,
        "a switched-off job does not run"
    );
    cluster.stop().await;
}
