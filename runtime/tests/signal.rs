//! `ctrl_c` with a real SIGINT sent to this test process. It lives in a
//! file of its own: a signal goes to the whole process, and no other test
//! should share it.
#![cfg(unix)]

use std::time::Duration;

use aioli::time::timeout;

#[test]
fn ctrl_c_completes_when_sigint_arrives() {
    aioli::run(async {
        let waiter = aioli::spawn(aioli::signal::ctrl_c());
        // Let the waiter install its handler before the signal is sent;
        // without a handler, SIGINT would end the test process.
        aioli::task::yield_now().await;
        aioli::task::yield_now().await;
        signal_hook::low_level::raise(signal_hook::consts::SIGINT).unwrap();
        let outcome = timeout(Duration::from_secs(30), waiter).await;
        assert!(matches!(outcome, Ok(Ok(Ok(())))), "{outcome:?}");
    });
}
