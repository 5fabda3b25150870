//! The command line as a whole: --help of every command (snapshots), usage
//! errors, shell completions and manual pages kept fresh, and clap's own
//! consistency checks.

use crate::common::{self, run};

// ---------- help ----------

#[test]
fn help_texts() {
    for (name, args) in [
        ("help_abx", vec!["--help"]),
        ("help_assign", vec!["assign", "--help"]),
        ("help_validate", vec!["validate", "--help"]),
        ("help_init", vec!["init", "--help"]),
        ("help_completions", vec!["completions", "--help"]),
        ("help_verdict", vec!["verdict", "--help"]),
        ("help_simulate", vec!["simulate", "--help"]),
        ("help_drift", vec!["drift", "--help"]),
        ("help_power", vec!["power", "--help"]),
        ("help_power_proportion", vec!["power", "proportion", "--help"]),
        ("help_power_mean", vec!["power", "mean", "--help"]),
        ("help_test", vec!["test", "--help"]),
        ("help_test_proportions", vec!["test", "proportions", "--help"]),
        ("help_test_means", vec!["test", "means", "--help"]),
        ("help_test_srm", vec!["test", "srm", "--help"]),
        ("help_man", vec!["man", "--help"]),
    ] {
        let (code, out, err) = run(&args, "");
        assert_eq!(code, 0, "{name}: {err}");
        insta::assert_snapshot!(name, out);
    }
}

#[test]
fn every_command_is_advertised() {
    let (_, out, _) = run(&["--help"], "");
    for built in
        ["validate", "init", "assign", "analyze", "verdict", "simulate", "drift", "power", "test", "completions", "man"]
    {
        assert!(out.lines().any(|l| l.trim_start().starts_with(built)), "{built} missing from --help");
    }
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, err) = run(&["assign"], "");
    assert_eq!(code, 2);
    assert!(err.contains("--experiment"), "{err}");
    let (code, _, _) = run(&["frobnicate"], "");
    assert_eq!(code, 2);
}

// ---------- completions ----------

#[test]
fn committed_completions_are_fresh() {
    use clap_complete::Shell;
    let update = std::env::var_os("ABX_UPDATE_COMPLETIONS").is_some();
    for (shell, file) in
        [(Shell::Bash, "abx.bash"), (Shell::Zsh, "_abx"), (Shell::Fish, "abx.fish"), (Shell::PowerShell, "_abx.ps1")]
    {
        let path = common::root().join("completions").join(file);
        let want = abx::cmd::completions::script(shell);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read(&path).unwrap_or_default();
        assert!(
            have == want,
            "completions/{file} is stale: run `ABX_UPDATE_COMPLETIONS=1 cargo test --test it committed_completions`"
        );
        let (code, out, _) = run(&["completions", &shell.to_string()], "");
        assert_eq!(code, 0);
        assert_eq!(out.as_bytes(), &want[..]);
    }
}

// ---------- man ----------

#[test]
fn committed_man_pages_are_fresh() {
    let update = std::env::var_os("ABX_UPDATE_MAN").is_some();
    let mut pages = vec![("abx.1".to_string(), None)];
    pages.extend(abx::cmd::man::commands().into_iter().map(|c| (format!("abx-{c}.1"), Some(c))));
    assert!(pages.len() >= 11);
    for (file, command) in pages {
        let path = common::root().join("man").join(&file);
        let want = abx::cmd::man::page(command.as_deref()).unwrap();
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read(&path).unwrap_or_default();
        assert!(have == want, "man/{file} is stale: run `ABX_UPDATE_MAN=1 cargo test --test it committed_man_pages`");
        let mut args = vec!["man"];
        args.extend(command.as_deref());
        let (code, out, _) = run(&args, "");
        assert_eq!(code, 0);
        assert_eq!(out.as_bytes(), &want[..]);
        assert!(out.starts_with(".ie") || out.contains(".TH"), "{file} is roff");
    }
    let (code, _, err) = run(&["man", "frobnicate"], "");
    assert_eq!(code, 2);
    assert!(err.contains("no command `frobnicate`"), "{err}");
}

/// clap's own consistency checks of the whole command line.
#[test]
fn the_command_line_is_consistent() {
    use clap::CommandFactory;
    abx::cmd::Cli::command().debug_assert();
}
