# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_abx_global_optspecs
    string join \n h/help V/version
end

function __fish_abx_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_abx_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_abx_using_subcommand
    set -l cmd (__fish_abx_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c abx -n "__fish_abx_needs_command" -s h -l help -d 'Print help'
complete -c abx -n "__fish_abx_needs_command" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_needs_command" -f -a "validate" -d 'Check experiment files and report every problem at once'
complete -c abx -n "__fish_abx_needs_command" -f -a "init" -d 'Scaffold experiments/example.yaml with every field commented'
complete -c abx -n "__fish_abx_needs_command" -f -a "assign" -d 'Assign units to variants, deterministically (SHA-256 bucketing)'
complete -c abx -n "__fish_abx_needs_command" -f -a "analyze" -d 'Per-variant stats, effects, intervals, p-values and a sample-ratio check'
complete -c abx -n "__fish_abx_needs_command" -f -a "verdict" -d 'Promote, keep control, continue or invalid: a verdict with exit codes for CI'
complete -c abx -n "__fish_abx_needs_command" -f -a "bandit" -d 'A bandit\'s next weights: Thompson sampling as GrowthBook\'s bandits, or epsilon-greedy'
complete -c abx -n "__fish_abx_needs_command" -f -a "simulate" -d 'Synthetic experiment data, and A/A, peeking and coverage studies of the verdict'
complete -c abx -n "__fish_abx_needs_command" -f -a "drift" -d 'Detect drift between reference and current data (PSI, KS, Wasserstein, chi-square, Jensen-Shannon)'
complete -c abx -n "__fish_abx_needs_command" -f -a "sql" -d 'Print SQL that assigns units and sums outcomes inside your own engine, exactly as abx does'
complete -c abx -n "__fish_abx_needs_command" -f -a "growthbook" -d 'Evaluate GrowthBook SDK payloads and experiments for many units, exactly as GrowthBook\'s SDKs do'
complete -c abx -n "__fish_abx_needs_command" -f -a "report" -d 'An overview of many experiments: status, units, days running, the primary lift and the verdict'
complete -c abx -n "__fish_abx_needs_command" -f -a "power" -d 'Sample size, power or minimum detectable effect for an experiment'
complete -c abx -n "__fish_abx_needs_command" -f -a "test" -d 'Hypothesis tests from summary numbers: proportions, means, sample ratio'
complete -c abx -n "__fish_abx_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c abx -n "__fish_abx_needs_command" -f -a "man" -d 'Print the manual page of abx, or of one command (roff)'
complete -c abx -n "__fish_abx_using_subcommand validate" -s f -l format -d 'Output format of the summary [default: table on a terminal, else json]' -r -f -a "table\t'Aligned tables for people'
json\t'One JSON document'
csv\t'CSV, one row per table row'
markdown\t'GitHub-flavoured Markdown, to paste into a PR or doc'
html\t'One self-contained HTML page (inline CSS and SVG charts, nothing fetched): `> report.html`'"
complete -c abx -n "__fish_abx_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand validate" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand init" -s f -l format -d 'Output format [default: the created path alone; json gives {"schema_version": 1, "created": PATH}]' -r -f -a "table\t'Aligned tables for people'
json\t'One JSON document'
csv\t'CSV, one row per table row'
markdown\t'GitHub-flavoured Markdown, to paste into a PR or doc'
html\t'One self-contained HTML page (inline CSS and SVG charts, nothing fetched): `> report.html`'"
complete -c abx -n "__fish_abx_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand init" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand assign" -s e -l experiment -d 'Experiment file; repeat for one column per experiment' -r -F
complete -c abx -n "__fish_abx_using_subcommand assign" -l id -d 'A unit id (repeatable). Without --id or --input, ids are read from stdin, one per line' -r
complete -c abx -n "__fish_abx_using_subcommand assign" -l input -d 'A CSV file with a header row: unit ids plus attribute columns for targeting ("-": stdin)' -r -F
complete -c abx -n "__fish_abx_using_subcommand assign" -l id-column -d 'The --input column that holds the unit ids' -r
complete -c abx -n "__fish_abx_using_subcommand assign" -s f -l format -d 'Output format [default: csv; with --explain, table on a terminal, else json]' -r -f -a "csv\t'`unit,variant` with a header (the default)'
tsv\t'Tab-separated, with a header'
jsonl\t'One JSON object per line: unit, variant, bucket and the variant\'s params'
json\t'One JSON array of the jsonl objects'
markdown\t'A Markdown table'
table\t'An aligned table (with --id or --explain only)'"
complete -c abx -n "__fish_abx_using_subcommand assign" -l explain -d 'Show the hash input, x, the ranges and why each unit landed where it did'
complete -c abx -n "__fish_abx_using_subcommand assign" -l layers -d 'Add a column per layer (`layer:NAME`; JSON `layers`) naming the experiment of the layer that placed the unit'
complete -c abx -n "__fish_abx_using_subcommand assign" -l skip-empty -d 'Skip empty lines (and empty ids in --input) instead of failing on them'
complete -c abx -n "__fish_abx_using_subcommand assign" -l no-header -d 'Leave out the header row (csv, tsv, markdown)'
complete -c abx -n "__fish_abx_using_subcommand assign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand assign" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand analyze" -s e -l experiment -d 'Experiment file' -r -F
complete -c abx -n "__fish_abx_using_subcommand analyze" -l data -d 'Unit-level outcomes, CSV or Parquet by extension ("-": CSV on stdin): a variant column and a column per metric' -r -F
complete -c abx -n "__fish_abx_using_subcommand analyze" -l summary -d 'Sufficient statistics instead: CSV with variant,metric,n,sum,sum_sq (ratio and CUPED metrics add sum_y,sum_y_sq,sum_xy), as `abx sql summary` writes it, or with GrowthBook\'s column names ("-": stdin)' -r -F
complete -c abx -n "__fish_abx_using_subcommand analyze" -l variant-column -d 'The --data column that holds the variant [default: variant]; a column named here must exist' -r
complete -c abx -n "__fish_abx_using_subcommand analyze" -l unit-column -d 'The --data column that holds the unit id: with --events, events are rolled up per unit; without a variant column, units are assigned by the experiment\'s bucketing' -r
complete -c abx -n "__fish_abx_using_subcommand analyze" -l by -d 'The same readout per segment of this --data column (repeatable, up to 3); with --summary, its segment rows (`abx sql summary --by`)' -r
complete -c abx -n "__fish_abx_using_subcommand analyze" -l over-time -d 'Cumulative results at each value of this column (a date, a day number, any ordered column): JSON `over_time`, a CSV row per value, and charts in HTML; the last value\'s results are the readout. Caps are the whole data\'s' -r
complete -c abx -n "__fish_abx_using_subcommand analyze" -l holdout -d 'Read holdout NAME of the experiment file: its held-out units ([0, s) on salt `holdout/NAME`, the control `held_out`) against as many units that get every launch ([s, 2s), `measured`), so the lift is the combined effect of the launches (needs --unit-column; variant columns are not read)' -r
complete -c abx -n "__fish_abx_using_subcommand analyze" -l method -d 'Statistical method [default: the experiment\'s decision.method, else frequentist]' -r -f -a "frequentist\t'Fixed-horizon t-test (gbstats\' frequentist engine)'
sequential\t'Always-valid confidence sequences, safe to peek at (gbstats\' sequential engine)'
bayesian\t'Gaussian effect model: chance to win and risk (gbstats\' Bayesian engine)'"
complete -c abx -n "__fish_abx_using_subcommand analyze" -l alpha -d 'Significance level [default: the experiment\'s decision.alpha, else 0.05]; for bayesian, the level of gbstats\' credible interval in JSON (the mark and the table\'s interval follow decision.chance_to_win)' -r
complete -c abx -n "__fish_abx_using_subcommand analyze" -l sequential-tuning -d 'Sequential: the number of units the confidence sequence is tuned for [default: decision.sequential_tuning, else 5000]' -r
complete -c abx -n "__fish_abx_using_subcommand analyze" -l prior-mean -d 'Bayesian: mean of the Gaussian prior on the relative effect (flat prior when absent)' -r
complete -c abx -n "__fish_abx_using_subcommand analyze" -l prior-variance -d 'Bayesian: variance of the Gaussian prior on the relative effect' -r
complete -c abx -n "__fish_abx_using_subcommand analyze" -l correction -d 'Adjust p-values across treatments x metrics [default: the experiment\'s decision.correction, across the treatments of each metric]' -r -f -a "none\t''
bonferroni\t''
holm\t''
bh\t'Benjamini-Hochberg false discovery rate'"
complete -c abx -n "__fish_abx_using_subcommand analyze" -s f -l format -d 'Output format [default: table on a terminal, else json]' -r -f -a "table\t'Aligned tables for people'
json\t'One JSON document'
csv\t'CSV, one row per table row'
markdown\t'GitHub-flavoured Markdown, to paste into a PR or doc'
prometheus\t'Prometheus text exposition format, for node_exporter\'s textfile collector'
html\t'One self-contained HTML page (inline CSS and SVG charts, nothing fetched): `> report.html`'"
complete -c abx -n "__fish_abx_using_subcommand analyze" -l bucketing -d 'Assign units by the experiment\'s bucketing of --unit-column (as `abx assign` does, targeting read from the data\'s columns), even if the data has a variant column'
complete -c abx -n "__fish_abx_using_subcommand analyze" -l as-running -d 'With bucketing, assign units by the ranges the experiment has while running, whatever its status now (for data collected while it ran)'
complete -c abx -n "__fish_abx_using_subcommand analyze" -l events -d '--data rows are events: each metric is rolled up per unit (its `aggregate`: sum, count, max, mean or any) first'
complete -c abx -n "__fish_abx_using_subcommand analyze" -l ignore-unknown-variants -d 'Ignore rows of variants that the experiment does not have'
complete -c abx -n "__fish_abx_using_subcommand analyze" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand analyze" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand verdict" -s e -l experiment -d 'Experiment file' -r -F
complete -c abx -n "__fish_abx_using_subcommand verdict" -l data -d 'Unit-level outcomes, CSV or Parquet by extension ("-": CSV on stdin): a variant column and a column per metric' -r -F
complete -c abx -n "__fish_abx_using_subcommand verdict" -l summary -d 'Sufficient statistics instead: CSV with variant,metric,n,sum,sum_sq (ratio and CUPED metrics add sum_y,sum_y_sq,sum_xy), as `abx sql summary` writes it, or with GrowthBook\'s column names ("-": stdin)' -r -F
complete -c abx -n "__fish_abx_using_subcommand verdict" -l variant-column -d 'The --data column that holds the variant [default: variant]; a column named here must exist' -r
complete -c abx -n "__fish_abx_using_subcommand verdict" -l unit-column -d 'The --data column that holds the unit id: with --events, events are rolled up per unit; without a variant column, units are assigned by the experiment\'s bucketing' -r
complete -c abx -n "__fish_abx_using_subcommand verdict" -l method -d 'Override the decision\'s method' -r -f -a "frequentist\t'Fixed-horizon t-test (gbstats\' frequentist engine)'
sequential\t'Always-valid confidence sequences, safe to peek at (gbstats\' sequential engine)'
bayesian\t'Gaussian effect model: chance to win and risk (gbstats\' Bayesian engine)'"
complete -c abx -n "__fish_abx_using_subcommand verdict" -l alpha -d 'Override the decision\'s alpha' -r
complete -c abx -n "__fish_abx_using_subcommand verdict" -l correction -d 'Override the correction across treatments' -r -f -a "none\t''
bonferroni\t''
holm\t''
bh\t'Benjamini-Hochberg false discovery rate'"
complete -c abx -n "__fish_abx_using_subcommand verdict" -l as-of -d 'The date compared with the experiment\'s `end` [default: today]' -r
complete -c abx -n "__fish_abx_using_subcommand verdict" -s f -l format -d 'Output format [default: table on a terminal, else json]' -r -f -a "table\t'Aligned tables for people'
json\t'One JSON document'
csv\t'CSV, one row per table row'
markdown\t'GitHub-flavoured Markdown, to paste into a PR or doc'
html\t'One self-contained HTML page (inline CSS and SVG charts, nothing fetched): `> report.html`'"
complete -c abx -n "__fish_abx_using_subcommand verdict" -l bucketing -d 'Assign units by the experiment\'s bucketing of --unit-column (as `abx assign` does, targeting read from the data\'s columns), even if the data has a variant column'
complete -c abx -n "__fish_abx_using_subcommand verdict" -l as-running -d 'With bucketing, assign units by the ranges the experiment has while running, whatever its status now (for data collected while it ran)'
complete -c abx -n "__fish_abx_using_subcommand verdict" -l events -d '--data rows are events: each metric is rolled up per unit (its `aggregate`: sum, count, max, mean or any) first'
complete -c abx -n "__fish_abx_using_subcommand verdict" -l ignore-unknown-variants -d 'Ignore rows of variants that the experiment does not have'
complete -c abx -n "__fish_abx_using_subcommand verdict" -l write -d 'On promote, record `status: promoted` and `promoted: VARIANT` in the experiment file (an in-place, comment-preserving edit)'
complete -c abx -n "__fish_abx_using_subcommand verdict" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand verdict" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand bandit" -s e -l experiment -d 'Experiment file' -r -F
complete -c abx -n "__fish_abx_using_subcommand bandit" -l data -d 'Unit-level outcomes, CSV or Parquet by extension ("-": CSV on stdin): a variant column and a column per metric' -r -F
complete -c abx -n "__fish_abx_using_subcommand bandit" -l summary -d 'Sufficient statistics instead: CSV with variant,metric,n,sum,sum_sq (ratio and CUPED metrics add sum_y,sum_y_sq,sum_xy), as `abx sql summary` writes it, or with GrowthBook\'s column names ("-": stdin)' -r -F
complete -c abx -n "__fish_abx_using_subcommand bandit" -l variant-column -d 'The --data column that holds the variant [default: variant]; a column named here must exist' -r
complete -c abx -n "__fish_abx_using_subcommand bandit" -l unit-column -d 'The --data column that holds the unit id: with --events, events are rolled up per unit; without a variant column, units are assigned by the experiment\'s bucketing' -r
complete -c abx -n "__fish_abx_using_subcommand bandit" -l strategy -d 'How the next weights are chosen' -r -f -a "thompson\t'Gaussian Thompson sampling, as GrowthBook\'s bandits: weight = 0.01 + (1 - 0.01 k) P(best)'
epsilon-greedy\t'The best arm by its mean gets 1 - E + E/k, every other E/k'"
complete -c abx -n "__fish_abx_using_subcommand bandit" -l epsilon -d 'epsilon-greedy: the share explored, spread evenly over the arms (above 0, at most 1)' -r
complete -c abx -n "__fish_abx_using_subcommand bandit" -l period-column -d 'The column with each unit\'s first exposure date (YYYY-MM-DD, or a timestamp whose first 10 characters are its date as written, with no time-zone conversion): needed once the file has been reweighted, to weight the arms\' means by period; units before the first entry count in the first period' -r
complete -c abx -n "__fish_abx_using_subcommand bandit" -l alpha -d 'The credible intervals\' level is 1 - A [default: the experiment\'s decision.alpha, else 0.05]' -r
complete -c abx -n "__fish_abx_using_subcommand bandit" -l date -d 'With --write: the reweight\'s date [default: today]' -r
complete -c abx -n "__fish_abx_using_subcommand bandit" -s f -l format -d 'Output format [default: table on a terminal, else json]' -r -f -a "table\t'Aligned tables for people'
json\t'One JSON document'
csv\t'CSV, one row per table row'
markdown\t'GitHub-flavoured Markdown, to paste into a PR or doc'
html\t'One self-contained HTML page (inline CSS and SVG charts, nothing fetched): `> report.html`'"
complete -c abx -n "__fish_abx_using_subcommand bandit" -l bucketing -d 'Assign units by the experiment\'s bucketing of --unit-column (as `abx assign` does, targeting read from the data\'s columns), even if the data has a variant column'
complete -c abx -n "__fish_abx_using_subcommand bandit" -l as-running -d 'With bucketing, assign units by the ranges the experiment has while running, whatever its status now (for data collected while it ran)'
complete -c abx -n "__fish_abx_using_subcommand bandit" -l events -d '--data rows are events: each metric is rolled up per unit (its `aggregate`: sum, count, max, mean or any) first'
complete -c abx -n "__fish_abx_using_subcommand bandit" -l ignore-unknown-variants -d 'Ignore rows of variants that the experiment does not have'
complete -c abx -n "__fish_abx_using_subcommand bandit" -l write -d 'Store the next weights in the experiment file (each variant\'s `weight`) and append them with the date to `weight_history` (an in-place, comment-preserving edit)'
complete -c abx -n "__fish_abx_using_subcommand bandit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand bandit" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand simulate" -s e -l experiment -d 'Experiment file' -r -F
complete -c abx -n "__fish_abx_using_subcommand simulate" -l units -d 'Units to draw ids for (u1..uN); those the allocation leaves out are skipped' -r
complete -c abx -n "__fish_abx_using_subcommand simulate" -l effect -d 'A true relative lift: METRIC=LIFT for every treatment, or VARIANT:METRIC=LIFT for one (repeatable)' -r
complete -c abx -n "__fish_abx_using_subcommand simulate" -l baseline -d 'A metric\'s control value: the rate of a proportion, the mean of a mean, the ratio of a ratio (repeatable)' -r
complete -c abx -n "__fish_abx_using_subcommand simulate" -l drop -d 'Lose this share of a variant\'s units, as a broken logger would: a sample-ratio mismatch (repeatable)' -r
complete -c abx -n "__fish_abx_using_subcommand simulate" -l seed -d 'Random seed' -r
complete -c abx -n "__fish_abx_using_subcommand simulate" -s o -l output -d 'Write the data here: CSV or Parquet by extension, "-" for CSV on stdout' -r -F
complete -c abx -n "__fish_abx_using_subcommand simulate" -l runs -d 'Simulated experiments to run through the analysis and verdict' -r
complete -c abx -n "__fish_abx_using_subcommand simulate" -l peek -d 'Look after each of DAYS days of arrivals, as a daily CI job would (needs --runs)' -r
complete -c abx -n "__fish_abx_using_subcommand simulate" -l bandit -d 'A bandit study (needs --runs): each run reweights after every one of --periods periods by this strategy, as `abx bandit` would, and reports regret and how often the best arm ends with the highest P(best)' -r -f -a "thompson\t'Gaussian Thompson sampling, as GrowthBook\'s bandits: weight = 0.01 + (1 - 0.01 k) P(best)'
epsilon-greedy\t'The best arm by its mean gets 1 - E + E/k, every other E/k'"
complete -c abx -n "__fish_abx_using_subcommand simulate" -l epsilon -d '--bandit epsilon-greedy: the share explored' -r
complete -c abx -n "__fish_abx_using_subcommand simulate" -l periods -d '--bandit: the periods units arrive in (a reweight after each but the last)' -r
complete -c abx -n "__fish_abx_using_subcommand simulate" -l method -d 'Methods to study [default: all three]' -r -f -a "frequentist\t'Fixed-horizon t-test (gbstats\' frequentist engine)'
sequential\t'Always-valid confidence sequences, safe to peek at (gbstats\' sequential engine)'
bayesian\t'Gaussian effect model: chance to win and risk (gbstats\' Bayesian engine)'"
complete -c abx -n "__fish_abx_using_subcommand simulate" -s f -l format -d 'Output format of a study [default: table on a terminal, else json]' -r -f -a "table\t'Aligned tables for people'
json\t'One JSON document'
csv\t'CSV, one row per table row'
markdown\t'GitHub-flavoured Markdown, to paste into a PR or doc'
html\t'One self-contained HTML page (inline CSS and SVG charts, nothing fetched): `> report.html`'"
complete -c abx -n "__fish_abx_using_subcommand simulate" -l aa -d 'A/A study: no true effect anywhere (needs --runs)'
complete -c abx -n "__fish_abx_using_subcommand simulate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand simulate" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand drift" -s r -l reference -d 'Reference data (training data, last month): CSV or Parquet' -r -F
complete -c abx -n "__fish_abx_using_subcommand drift" -s c -l current -d 'Current data: CSV or Parquet' -r -F
complete -c abx -n "__fish_abx_using_subcommand drift" -l reference-profile -d 'A profile saved by --save-profile, in place of --reference' -r -F
complete -c abx -n "__fish_abx_using_subcommand drift" -l save-profile -d 'Save the reference\'s profile (bins, counts, quantile sketch) to FILE.json, for --reference-profile' -r -F
complete -c abx -n "__fish_abx_using_subcommand drift" -l columns -d 'Columns to compare (default: every column in both files)' -r
complete -c abx -n "__fish_abx_using_subcommand drift" -l categorical -d 'Compare these columns as categories, whatever their type' -r
complete -c abx -n "__fish_abx_using_subcommand drift" -l bins -d 'PSI bins for numeric columns' -r
complete -c abx -n "__fish_abx_using_subcommand drift" -l binning -d 'How numeric PSI bins are cut' -r -f -a "quantile\t'Reference quantiles (deciles with the default --bins 10), as the contract defines PSI'
sturges\t'Evidently\'s PSI: Sturges-rule equal-width bins over both samples, or per value when the reference has at most 20 distinct values'"
complete -c abx -n "__fish_abx_using_subcommand drift" -l method -d 'The statistic that decides drift per column (columns it does not apply to use PSI)' -r -f -a "psi\t'PSI >= threshold (default 0.25), numeric and categorical columns'
ks\t'KS p-value < threshold (default 0.05), numeric columns'
wasserstein\t'normed Wasserstein-1 (W1 / reference sd) >= threshold (default 0.1), numeric columns'
js\t'Jensen-Shannon distance >= threshold (default 0.1), categorical columns'
chi2\t'chi-square p-value < threshold (default 0.05), categorical columns'"
complete -c abx -n "__fish_abx_using_subcommand drift" -l threshold -d 'Threshold of --method [default: psi 0.25, ks 0.05, wasserstein 0.1, js 0.1, chi2 0.05]' -r
complete -c abx -n "__fish_abx_using_subcommand drift" -l psi-threshold -d 'PSI threshold, for --method psi, for columns --method does not apply to, and for missing shares' -r
complete -c abx -n "__fish_abx_using_subcommand drift" -l drift-share -d 'The data drifts when at least this share of columns drift [default: any column]' -r
complete -c abx -n "__fish_abx_using_subcommand drift" -s f -l format -d 'Output format [default: table on a terminal, else json]' -r -f -a "table\t'Aligned tables for people'
json\t'One JSON document'
csv\t'CSV, one row per table row'
markdown\t'GitHub-flavoured Markdown, to paste into a PR or doc'
prometheus\t'Prometheus text exposition format, for node_exporter\'s textfile collector'
html\t'One self-contained HTML page (inline CSS and SVG charts, nothing fetched): `> report.html`'"
complete -c abx -n "__fish_abx_using_subcommand drift" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand drift" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand sql; and not __fish_seen_subcommand_from assign summary audit" -s h -l help -d 'Print help'
complete -c abx -n "__fish_abx_using_subcommand sql; and not __fish_seen_subcommand_from assign summary audit" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand sql; and not __fish_seen_subcommand_from assign summary audit" -f -a "assign" -d 'A query giving every row of FROM its unit\'s variant and point x, as `abx assign` does'
complete -c abx -n "__fish_abx_using_subcommand sql; and not __fish_seen_subcommand_from assign summary audit" -f -a "summary" -d 'A query giving the sufficient statistics `abx analyze --summary -` reads, per variant (and segment)'
complete -c abx -n "__fish_abx_using_subcommand sql; and not __fish_seen_subcommand_from assign summary audit" -f -a "audit" -d 'A query comparing logged variants with the variants the bucketing gives: matches, mismatches, units in several variants'
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from assign" -s e -l experiment -d 'Experiment file' -r -F
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from assign" -l engine -d 'The engine that runs the query' -r -f -a "duckdb\t'DuckDB (tested)'
postgres\t'PostgreSQL 11 or later (tested)'
spark\t'Spark SQL and Databricks (tested on Spark, ANSI mode on)'
clickhouse\t'ClickHouse (tested on chDB)'
bigquery\t'Google BigQuery (parsed by sqlglot, not executed)'
snowflake\t'Snowflake (parsed by sqlglot, not executed)'
trino\t'Trino and Presto (parsed by sqlglot, not executed)'"
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from assign" -l from -d 'A table name or any FROM item of the engine, inserted as given (DuckDB: read_csv(\'units.csv\'))' -r
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from assign" -l unit-column -d 'The column of unit ids' -r
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from assign" -l prefix-column -d 'Take the hash prefix from this column (16 hex digits) instead of hashing the unit: to check the thresholds on chosen prefixes' -r
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from assign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from assign" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from summary" -s e -l experiment -d 'Experiment file' -r -F
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from summary" -l engine -d 'The engine that runs the query' -r -f -a "duckdb\t'DuckDB (tested)'
postgres\t'PostgreSQL 11 or later (tested)'
spark\t'Spark SQL and Databricks (tested on Spark, ANSI mode on)'
clickhouse\t'ClickHouse (tested on chDB)'
bigquery\t'Google BigQuery (parsed by sqlglot, not executed)'
snowflake\t'Snowflake (parsed by sqlglot, not executed)'
trino\t'Trino and Presto (parsed by sqlglot, not executed)'"
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from summary" -l from -d 'A table name or any FROM item of the engine, inserted as given (DuckDB: read_csv(\'units.csv\'))' -r
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from summary" -l variant-column -d 'The column that holds each row\'s variant (a column named here must exist)' -r
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from summary" -l unit-column -d 'The column of unit ids [default: unit]: events are rolled up per unit; the bucketing hashes it; unit rows must be one per unit' -r
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from summary" -l by -d 'A segment column (repeatable, up to 3): rows per segment too, for `abx analyze --summary - --by COLUMN`' -r
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from summary" -l bucketing -d 'Assign units by the experiment\'s bucketing of the unit column, even if FROM has a variant column'
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from summary" -l as-running -d 'With bucketing, the ranges the experiment has while running, whatever its status now'
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from summary" -l events -d 'FROM\'s rows are events: each metric is rolled up per unit (its aggregate) first'
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from summary" -l approximate-percentiles -d 'Accept the engine\'s approximate percentile for percentile caps where it has no exact one (Trino)'
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from summary" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from summary" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from audit" -s e -l experiment -d 'Experiment file' -r -F
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from audit" -l engine -d 'The engine that runs the query' -r -f -a "duckdb\t'DuckDB (tested)'
postgres\t'PostgreSQL 11 or later (tested)'
spark\t'Spark SQL and Databricks (tested on Spark, ANSI mode on)'
clickhouse\t'ClickHouse (tested on chDB)'
bigquery\t'Google BigQuery (parsed by sqlglot, not executed)'
snowflake\t'Snowflake (parsed by sqlglot, not executed)'
trino\t'Trino and Presto (parsed by sqlglot, not executed)'"
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from audit" -l from -d 'A table name or any FROM item of the engine, inserted as given (DuckDB: read_csv(\'units.csv\'))' -r
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from audit" -l unit-column -d 'The column of unit ids' -r
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from audit" -l variant-column -d 'The column of logged variants' -r
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from audit" -l as-running -d 'Compare with the ranges the experiment has while running, whatever its status now'
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand sql; and __fish_seen_subcommand_from audit" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand growthbook; and not __fish_seen_subcommand_from features run import" -s h -l help -d 'Print help'
complete -c abx -n "__fish_abx_using_subcommand growthbook; and not __fish_seen_subcommand_from features run import" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand growthbook; and not __fish_seen_subcommand_from features run import" -f -a "features" -d 'Every feature (or --feature) of a GrowthBook SDK payload for each unit: the SDKs\' evalFeature'
complete -c abx -n "__fish_abx_using_subcommand growthbook; and not __fish_seen_subcommand_from features run import" -f -a "run" -d 'One inline GrowthBook experiment for each unit: the SDKs\' run'
complete -c abx -n "__fish_abx_using_subcommand growthbook; and not __fish_seen_subcommand_from features run import" -f -a "import" -d 'Write an abx experiment file (hashing: growthbook) from a GrowthBook experiment, so that abx assign, analyze and verdict use the SDKs\' assignment'
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from features" -l payload -d 'The SDK payload: {\\"features\\": {...}, \\"savedGroups\\": {...}}' -r -F
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from features" -l feature -d 'A feature to evaluate (repeatable) [default: every feature, in the payload\'s order]' -r
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from features" -l decryption-key -d 'The SDK connection\'s decryption key, for an encrypted payload (base64)' -r
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from features" -l input -d 'Units, one JSON object of attributes per line (`-` for stdin)' -r -F
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from features" -s f -l format -d 'Output format' -r -f -a "jsonl\t'One JSON object per unit (and feature): the SDKs\' result fields'
csv\t'unit, feature, value, variation (run: unit, value, variation, in_experiment)'"
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from features" -l id-attribute -d 'Name each unit by this attribute\'s value instead of its line index (from 0)' -r
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from features" -l forced-variations -d 'A JSON object of experiment key to variation index (the SDKs\' forcedVariations)' -r -F
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from features" -l qa-mode -d 'The SDKs\' qaMode: no unit is put in an experiment by hashing'
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from features" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from features" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from run" -l experiment -d 'The experiment definition: {\\"key\\": ..., \\"variations\\": [...], ...}' -r -F
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from run" -l payload -d 'The payload whose features and saved groups the experiment\'s prerequisites and conditions read' -r -F
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from run" -l decryption-key -d 'The decryption key of an encrypted --payload (base64)' -r
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from run" -l input -d 'Units, one JSON object of attributes per line (`-` for stdin)' -r -F
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from run" -s f -l format -d 'Output format' -r -f -a "jsonl\t'One JSON object per unit (and feature): the SDKs\' result fields'
csv\t'unit, feature, value, variation (run: unit, value, variation, in_experiment)'"
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from run" -l id-attribute -d 'Name each unit by this attribute\'s value instead of its line index (from 0)' -r
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from run" -l forced-variations -d 'A JSON object of experiment key to variation index (the SDKs\' forcedVariations)' -r -F
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from run" -l qa-mode -d 'The SDKs\' qaMode: no unit is put in an experiment by hashing'
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from run" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from import" -l payload -d 'The SDK payload whose feature holds the experiment rule (and whose saved groups its conditions read)' -r -F
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from import" -l feature -d 'The feature whose experiment rule to import' -r
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from import" -l rule -d 'The experiment rule, by its id or its experiment\'s key [default: the feature\'s only experiment rule]' -r
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from import" -l experiment -d 'An inline experiment (as for `abx growthbook run`) instead of a feature\'s rule' -r -F
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from import" -l decryption-key -d 'The decryption key of an encrypted --payload (base64)' -r
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from import" -s o -l output -d 'Write the experiment file here (atomically) instead of to stdout' -r -F
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from import" -l force -d 'Replace an existing --output file'
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c abx -n "__fish_abx_using_subcommand growthbook; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand report" -l data-dir -d 'The directory holding each experiment\'s data, named after the experiment (see above)' -r -F
complete -c abx -n "__fish_abx_using_subcommand report" -l output-dir -d 'Write index.html and NAME.html per experiment into this directory (created if missing)' -r -F
complete -c abx -n "__fish_abx_using_subcommand report" -l as-of -d 'The date days running and each experiment\'s `end` are counted to [default: today]' -r
complete -c abx -n "__fish_abx_using_subcommand report" -s f -l format -d 'Output format [default: table on a terminal, else json]' -r -f -a "table\t'Aligned tables for people'
json\t'One JSON document'
csv\t'CSV, one row per table row'
markdown\t'GitHub-flavoured Markdown, to paste into a PR or doc'
html\t'One self-contained HTML page (inline CSS and SVG charts, nothing fetched): `> report.html`'"
complete -c abx -n "__fish_abx_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand report" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand power; and not __fish_seen_subcommand_from proportion mean" -s h -l help -d 'Print help'
complete -c abx -n "__fish_abx_using_subcommand power; and not __fish_seen_subcommand_from proportion mean" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand power; and not __fish_seen_subcommand_from proportion mean" -f -a "proportion" -d 'A conversion rate: two-proportion z-test (R\'s power.prop.test)'
complete -c abx -n "__fish_abx_using_subcommand power; and not __fish_seen_subcommand_from proportion mean" -f -a "mean" -d 'A mean: two-sample t-test, noncentral t (statsmodels\' TTestIndPower)'
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from proportion" -l baseline -d 'Control conversion rate, in (0, 1)' -r
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from proportion" -l mde -d 'Minimum detectable effect: absolute, or relative with --relative. Without it and with --n, abx solves for the MDE' -r
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from proportion" -l alpha -d 'Significance level, before correction for several treatments' -r
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from proportion" -l power -d 'Target power (1 - beta)' -r
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from proportion" -l sided -d 'Two-sided or one-sided test' -r -f -a "two\t''
one\t''"
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from proportion" -l variants -d 'Number of variants, control included; each treatment is tested at alpha / (K - 1)' -r
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from proportion" -l n -d 'Units per variant: solve for power (with --mde) or for the MDE (without)' -r
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from proportion" -l ratio -d 'Allocation ratio: treatment units per control unit' -r
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from proportion" -l daily-units -d 'Eligible units per day, to add the run time in days' -r
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from proportion" -s f -l format -d 'Output format [default: table on a terminal, else json]' -r -f -a "table\t'Aligned tables for people'
json\t'One JSON document'
csv\t'CSV, one row per table row'
markdown\t'GitHub-flavoured Markdown, to paste into a PR or doc'
html\t'One self-contained HTML page (inline CSS and SVG charts, nothing fetched): `> report.html`'"
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from proportion" -l relative -d 'Read --mde as relative: treatment rate = P * (1 + M)'
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from proportion" -l curve -d 'Show units per variant over a range of MDEs (half to double the given one)'
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from proportion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from proportion" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from mean" -l sd -d 'Standard deviation of the metric (per unit)' -r
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from mean" -l baseline-mean -d 'Control mean: makes --mde relative (absolute MDE = M * MEAN)' -r
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from mean" -l mde -d 'Minimum detectable effect: absolute, or relative with --relative. Without it and with --n, abx solves for the MDE' -r
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from mean" -l alpha -d 'Significance level, before correction for several treatments' -r
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from mean" -l power -d 'Target power (1 - beta)' -r
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from mean" -l sided -d 'Two-sided or one-sided test' -r -f -a "two\t''
one\t''"
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from mean" -l variants -d 'Number of variants, control included; each treatment is tested at alpha / (K - 1)' -r
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from mean" -l n -d 'Units per variant: solve for power (with --mde) or for the MDE (without)' -r
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from mean" -l ratio -d 'Allocation ratio: treatment units per control unit' -r
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from mean" -l daily-units -d 'Eligible units per day, to add the run time in days' -r
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from mean" -s f -l format -d 'Output format [default: table on a terminal, else json]' -r -f -a "table\t'Aligned tables for people'
json\t'One JSON document'
csv\t'CSV, one row per table row'
markdown\t'GitHub-flavoured Markdown, to paste into a PR or doc'
html\t'One self-contained HTML page (inline CSS and SVG charts, nothing fetched): `> report.html`'"
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from mean" -l curve -d 'Show units per variant over a range of MDEs (half to double the given one)'
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from mean" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand power; and __fish_seen_subcommand_from mean" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand test; and not __fish_seen_subcommand_from proportions means srm" -s h -l help -d 'Print help'
complete -c abx -n "__fish_abx_using_subcommand test; and not __fish_seen_subcommand_from proportions means srm" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand test; and not __fish_seen_subcommand_from proportions means srm" -f -a "proportions" -d 'Conversion rates: pooled two-proportion z-test; chi-square over all arms with several treatments'
complete -c abx -n "__fish_abx_using_subcommand test; and not __fish_seen_subcommand_from proportions means srm" -f -a "means" -d 'Means from n, mean and sd: Welch\'s t-test (Student\'s with --equal-var)'
complete -c abx -n "__fish_abx_using_subcommand test; and not __fish_seen_subcommand_from proportions means srm" -f -a "srm" -d 'Sample ratio mismatch: chi-square goodness of fit of unit counts to planned weights'
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from proportions" -l control -d 'Control successes/trials, e.g. 480/10000' -r
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from proportions" -l treatment -d 'Treatment successes/trials; repeat for several treatments' -r
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from proportions" -l alpha -d 'Significance level of the confidence intervals' -r
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from proportions" -l alternative -d 'Alternative hypothesis about treatment minus control' -r -f -a "two-sided\t'treatment differs from control'
greater\t'treatment is larger than control'
less\t'treatment is smaller than control'"
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from proportions" -l relative-ci -d 'Method of the relative lift\'s confidence interval' -r -f -a "delta\t'Delta method (first-order Taylor), as GrowthBook'
fieller\t'Fieller\'s theorem (exact for a ratio of normals), as Statsig'"
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from proportions" -s f -l format -d 'Output format [default: table on a terminal, else json]' -r -f -a "table\t'Aligned tables for people'
json\t'One JSON document'
csv\t'CSV, one row per table row'
markdown\t'GitHub-flavoured Markdown, to paste into a PR or doc'
html\t'One self-contained HTML page (inline CSS and SVG charts, nothing fetched): `> report.html`'"
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from proportions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from proportions" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from means" -l control -d 'Control n,mean,sd, e.g. 5000,12.3,4.1' -r
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from means" -l treatment -d 'Treatment n,mean,sd; repeat for several treatments' -r
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from means" -l alpha -d 'Significance level of the confidence intervals' -r
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from means" -l alternative -d 'Alternative hypothesis about treatment minus control' -r -f -a "two-sided\t'treatment differs from control'
greater\t'treatment is larger than control'
less\t'treatment is smaller than control'"
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from means" -l relative-ci -d 'Method of the relative lift\'s confidence interval' -r -f -a "delta\t'Delta method (first-order Taylor), as GrowthBook'
fieller\t'Fieller\'s theorem (exact for a ratio of normals), as Statsig'"
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from means" -s f -l format -d 'Output format [default: table on a terminal, else json]' -r -f -a "table\t'Aligned tables for people'
json\t'One JSON document'
csv\t'CSV, one row per table row'
markdown\t'GitHub-flavoured Markdown, to paste into a PR or doc'
html\t'One self-contained HTML page (inline CSS and SVG charts, nothing fetched): `> report.html`'"
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from means" -l equal-var -d 'Student\'s t-test with pooled variance instead of Welch\'s'
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from means" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from means" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from srm" -l observed -d 'Units observed per variant, comma-separated' -r
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from srm" -l weights -d 'Planned weights per variant, comma-separated (normalised)' -r
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from srm" -s f -l format -d 'Output format [default: table on a terminal, else json]' -r -f -a "table\t'Aligned tables for people'
json\t'One JSON document'
csv\t'CSV, one row per table row'
markdown\t'GitHub-flavoured Markdown, to paste into a PR or doc'
html\t'One self-contained HTML page (inline CSS and SVG charts, nothing fetched): `> report.html`'"
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from srm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand test; and __fish_seen_subcommand_from srm" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand completions" -s h -l help -d 'Print help'
complete -c abx -n "__fish_abx_using_subcommand completions" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand man" -s h -l help -d 'Print help'
complete -c abx -n "__fish_abx_using_subcommand man" -s V -l version -d 'Print version'
