
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'abx' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'abx'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'abx' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check experiment files and report every problem at once')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Scaffold experiments/example.yaml with every field commented')
            [CompletionResult]::new('assign', 'assign', [CompletionResultType]::ParameterValue, 'Assign units to variants, deterministically (SHA-256 bucketing)')
            [CompletionResult]::new('analyze', 'analyze', [CompletionResultType]::ParameterValue, 'Per-variant stats, effects, intervals, p-values and a sample-ratio check')
            [CompletionResult]::new('verdict', 'verdict', [CompletionResultType]::ParameterValue, 'Promote, keep control, continue or invalid: a verdict with exit codes for CI')
            [CompletionResult]::new('bandit', 'bandit', [CompletionResultType]::ParameterValue, 'A bandit''s next weights: Thompson sampling as GrowthBook''s bandits, or epsilon-greedy')
            [CompletionResult]::new('simulate', 'simulate', [CompletionResultType]::ParameterValue, 'Synthetic experiment data, and A/A, peeking and coverage studies of the verdict')
            [CompletionResult]::new('drift', 'drift', [CompletionResultType]::ParameterValue, 'Detect drift between reference and current data (PSI, KS, Wasserstein, chi-square, Jensen-Shannon)')
            [CompletionResult]::new('sql', 'sql', [CompletionResultType]::ParameterValue, 'Print SQL that assigns units and sums outcomes inside your own engine, exactly as abx does')
            [CompletionResult]::new('growthbook', 'growthbook', [CompletionResultType]::ParameterValue, 'Evaluate GrowthBook SDK payloads and experiments for many units, exactly as GrowthBook''s SDKs do')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'An overview of many experiments: status, units, days running, the primary lift and the verdict')
            [CompletionResult]::new('power', 'power', [CompletionResultType]::ParameterValue, 'Sample size, power or minimum detectable effect for an experiment')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Hypothesis tests from summary numbers: proportions, means, sample ratio')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page of abx, or of one command (roff)')
            break
        }
        'abx;validate' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format of the summary [default: table on a terminal, else json]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format of the summary [default: table on a terminal, else json]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;init' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: the created path alone; json gives {"schema_version": 1, "created": PATH}]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: the created path alone; json gives {"schema_version": 1, "created": PATH}]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;assign' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Experiment file; repeat for one column per experiment')
            [CompletionResult]::new('--experiment', '--experiment', [CompletionResultType]::ParameterName, 'Experiment file; repeat for one column per experiment')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'A unit id (repeatable). Without --id or --input, ids are read from stdin, one per line')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'A CSV file with a header row: unit ids plus attribute columns for targeting ("-": stdin)')
            [CompletionResult]::new('--id-column', '--id-column', [CompletionResultType]::ParameterName, 'The --input column that holds the unit ids')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: csv; with --explain, table on a terminal, else json]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: csv; with --explain, table on a terminal, else json]')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Show the hash input, x, the ranges and why each unit landed where it did')
            [CompletionResult]::new('--layers', '--layers', [CompletionResultType]::ParameterName, 'Add a column per layer (`layer:NAME`; JSON `layers`) naming the experiment of the layer that placed the unit')
            [CompletionResult]::new('--skip-empty', '--skip-empty', [CompletionResultType]::ParameterName, 'Skip empty lines (and empty ids in --input) instead of failing on them')
            [CompletionResult]::new('--no-header', '--no-header', [CompletionResultType]::ParameterName, 'Leave out the header row (csv, tsv, markdown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;analyze' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Experiment file')
            [CompletionResult]::new('--experiment', '--experiment', [CompletionResultType]::ParameterName, 'Experiment file')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Unit-level outcomes, CSV or Parquet by extension ("-": CSV on stdin): a variant column and a column per metric')
            [CompletionResult]::new('--summary', '--summary', [CompletionResultType]::ParameterName, 'Sufficient statistics instead: CSV with variant,metric,n,sum,sum_sq (ratio and CUPED metrics add sum_y,sum_y_sq,sum_xy), as `abx sql summary` writes it, or with GrowthBook''s column names ("-": stdin)')
            [CompletionResult]::new('--variant-column', '--variant-column', [CompletionResultType]::ParameterName, 'The --data column that holds the variant [default: variant]; a column named here must exist')
            [CompletionResult]::new('--unit-column', '--unit-column', [CompletionResultType]::ParameterName, 'The --data column that holds the unit id: with --events, events are rolled up per unit; without a variant column, units are assigned by the experiment''s bucketing')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'The same readout per segment of this --data column (repeatable, up to 3); with --summary, its segment rows (`abx sql summary --by`)')
            [CompletionResult]::new('--over-time', '--over-time', [CompletionResultType]::ParameterName, 'Cumulative results at each value of this column (a date, a day number, any ordered column): JSON `over_time`, a CSV row per value, and charts in HTML; the last value''s results are the readout. Caps are the whole data''s')
            [CompletionResult]::new('--holdout', '--holdout', [CompletionResultType]::ParameterName, 'Read holdout NAME of the experiment file: its held-out units ([0, s) on salt `holdout/NAME`, the control `held_out`) against as many units that get every launch ([s, 2s), `measured`), so the lift is the combined effect of the launches (needs --unit-column; variant columns are not read)')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Statistical method [default: the experiment''s decision.method, else frequentist]')
            [CompletionResult]::new('--alpha', '--alpha', [CompletionResultType]::ParameterName, 'Significance level [default: the experiment''s decision.alpha, else 0.05]; for bayesian, the level of gbstats'' credible interval in JSON (the mark and the table''s interval follow decision.chance_to_win)')
            [CompletionResult]::new('--sequential-tuning', '--sequential-tuning', [CompletionResultType]::ParameterName, 'Sequential: the number of units the confidence sequence is tuned for [default: decision.sequential_tuning, else 5000]')
            [CompletionResult]::new('--prior-mean', '--prior-mean', [CompletionResultType]::ParameterName, 'Bayesian: mean of the Gaussian prior on the relative effect (flat prior when absent)')
            [CompletionResult]::new('--prior-variance', '--prior-variance', [CompletionResultType]::ParameterName, 'Bayesian: variance of the Gaussian prior on the relative effect')
            [CompletionResult]::new('--correction', '--correction', [CompletionResultType]::ParameterName, 'Adjust p-values across treatments x metrics [default: the experiment''s decision.correction, across the treatments of each metric]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('--bucketing', '--bucketing', [CompletionResultType]::ParameterName, 'Assign units by the experiment''s bucketing of --unit-column (as `abx assign` does, targeting read from the data''s columns), even if the data has a variant column')
            [CompletionResult]::new('--as-running', '--as-running', [CompletionResultType]::ParameterName, 'With bucketing, assign units by the ranges the experiment has while running, whatever its status now (for data collected while it ran)')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, '--data rows are events: each metric is rolled up per unit (its `aggregate`: sum, count, max, mean or any) first')
            [CompletionResult]::new('--ignore-unknown-variants', '--ignore-unknown-variants', [CompletionResultType]::ParameterName, 'Ignore rows of variants that the experiment does not have')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;verdict' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Experiment file')
            [CompletionResult]::new('--experiment', '--experiment', [CompletionResultType]::ParameterName, 'Experiment file')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Unit-level outcomes, CSV or Parquet by extension ("-": CSV on stdin): a variant column and a column per metric')
            [CompletionResult]::new('--summary', '--summary', [CompletionResultType]::ParameterName, 'Sufficient statistics instead: CSV with variant,metric,n,sum,sum_sq (ratio and CUPED metrics add sum_y,sum_y_sq,sum_xy), as `abx sql summary` writes it, or with GrowthBook''s column names ("-": stdin)')
            [CompletionResult]::new('--variant-column', '--variant-column', [CompletionResultType]::ParameterName, 'The --data column that holds the variant [default: variant]; a column named here must exist')
            [CompletionResult]::new('--unit-column', '--unit-column', [CompletionResultType]::ParameterName, 'The --data column that holds the unit id: with --events, events are rolled up per unit; without a variant column, units are assigned by the experiment''s bucketing')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Override the decision''s method')
            [CompletionResult]::new('--alpha', '--alpha', [CompletionResultType]::ParameterName, 'Override the decision''s alpha')
            [CompletionResult]::new('--correction', '--correction', [CompletionResultType]::ParameterName, 'Override the correction across treatments')
            [CompletionResult]::new('--as-of', '--as-of', [CompletionResultType]::ParameterName, 'The date compared with the experiment''s `end` [default: today]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('--bucketing', '--bucketing', [CompletionResultType]::ParameterName, 'Assign units by the experiment''s bucketing of --unit-column (as `abx assign` does, targeting read from the data''s columns), even if the data has a variant column')
            [CompletionResult]::new('--as-running', '--as-running', [CompletionResultType]::ParameterName, 'With bucketing, assign units by the ranges the experiment has while running, whatever its status now (for data collected while it ran)')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, '--data rows are events: each metric is rolled up per unit (its `aggregate`: sum, count, max, mean or any) first')
            [CompletionResult]::new('--ignore-unknown-variants', '--ignore-unknown-variants', [CompletionResultType]::ParameterName, 'Ignore rows of variants that the experiment does not have')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'On promote, record `status: promoted` and `promoted: VARIANT` in the experiment file (an in-place, comment-preserving edit)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;bandit' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Experiment file')
            [CompletionResult]::new('--experiment', '--experiment', [CompletionResultType]::ParameterName, 'Experiment file')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Unit-level outcomes, CSV or Parquet by extension ("-": CSV on stdin): a variant column and a column per metric')
            [CompletionResult]::new('--summary', '--summary', [CompletionResultType]::ParameterName, 'Sufficient statistics instead: CSV with variant,metric,n,sum,sum_sq (ratio and CUPED metrics add sum_y,sum_y_sq,sum_xy), as `abx sql summary` writes it, or with GrowthBook''s column names ("-": stdin)')
            [CompletionResult]::new('--variant-column', '--variant-column', [CompletionResultType]::ParameterName, 'The --data column that holds the variant [default: variant]; a column named here must exist')
            [CompletionResult]::new('--unit-column', '--unit-column', [CompletionResultType]::ParameterName, 'The --data column that holds the unit id: with --events, events are rolled up per unit; without a variant column, units are assigned by the experiment''s bucketing')
            [CompletionResult]::new('--strategy', '--strategy', [CompletionResultType]::ParameterName, 'How the next weights are chosen')
            [CompletionResult]::new('--epsilon', '--epsilon', [CompletionResultType]::ParameterName, 'epsilon-greedy: the share explored, spread evenly over the arms (above 0, at most 1)')
            [CompletionResult]::new('--period-column', '--period-column', [CompletionResultType]::ParameterName, 'The column with each unit''s first exposure date (YYYY-MM-DD, or a timestamp whose first 10 characters are its date as written, with no time-zone conversion): needed once the file has been reweighted, to weight the arms'' means by period; units before the first entry count in the first period')
            [CompletionResult]::new('--alpha', '--alpha', [CompletionResultType]::ParameterName, 'The credible intervals'' level is 1 - A [default: the experiment''s decision.alpha, else 0.05]')
            [CompletionResult]::new('--date', '--date', [CompletionResultType]::ParameterName, 'With --write: the reweight''s date [default: today]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('--bucketing', '--bucketing', [CompletionResultType]::ParameterName, 'Assign units by the experiment''s bucketing of --unit-column (as `abx assign` does, targeting read from the data''s columns), even if the data has a variant column')
            [CompletionResult]::new('--as-running', '--as-running', [CompletionResultType]::ParameterName, 'With bucketing, assign units by the ranges the experiment has while running, whatever its status now (for data collected while it ran)')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, '--data rows are events: each metric is rolled up per unit (its `aggregate`: sum, count, max, mean or any) first')
            [CompletionResult]::new('--ignore-unknown-variants', '--ignore-unknown-variants', [CompletionResultType]::ParameterName, 'Ignore rows of variants that the experiment does not have')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'Store the next weights in the experiment file (each variant''s `weight`) and append them with the date to `weight_history` (an in-place, comment-preserving edit)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;simulate' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Experiment file')
            [CompletionResult]::new('--experiment', '--experiment', [CompletionResultType]::ParameterName, 'Experiment file')
            [CompletionResult]::new('--units', '--units', [CompletionResultType]::ParameterName, 'Units to draw ids for (u1..uN); those the allocation leaves out are skipped')
            [CompletionResult]::new('--effect', '--effect', [CompletionResultType]::ParameterName, 'A true relative lift: METRIC=LIFT for every treatment, or VARIANT:METRIC=LIFT for one (repeatable)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'A metric''s control value: the rate of a proportion, the mean of a mean, the ratio of a ratio (repeatable)')
            [CompletionResult]::new('--drop', '--drop', [CompletionResultType]::ParameterName, 'Lose this share of a variant''s units, as a broken logger would: a sample-ratio mismatch (repeatable)')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Random seed')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the data here: CSV or Parquet by extension, "-" for CSV on stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the data here: CSV or Parquet by extension, "-" for CSV on stdout')
            [CompletionResult]::new('--runs', '--runs', [CompletionResultType]::ParameterName, 'Simulated experiments to run through the analysis and verdict')
            [CompletionResult]::new('--peek', '--peek', [CompletionResultType]::ParameterName, 'Look after each of DAYS days of arrivals, as a daily CI job would (needs --runs)')
            [CompletionResult]::new('--bandit', '--bandit', [CompletionResultType]::ParameterName, 'A bandit study (needs --runs): each run reweights after every one of --periods periods by this strategy, as `abx bandit` would, and reports regret and how often the best arm ends with the highest P(best)')
            [CompletionResult]::new('--epsilon', '--epsilon', [CompletionResultType]::ParameterName, '--bandit epsilon-greedy: the share explored')
            [CompletionResult]::new('--periods', '--periods', [CompletionResultType]::ParameterName, '--bandit: the periods units arrive in (a reweight after each but the last)')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Methods to study [default: all three]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format of a study [default: table on a terminal, else json]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format of a study [default: table on a terminal, else json]')
            [CompletionResult]::new('--aa', '--aa', [CompletionResultType]::ParameterName, 'A/A study: no true effect anywhere (needs --runs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;drift' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Reference data (training data, last month): CSV or Parquet')
            [CompletionResult]::new('--reference', '--reference', [CompletionResultType]::ParameterName, 'Reference data (training data, last month): CSV or Parquet')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Current data: CSV or Parquet')
            [CompletionResult]::new('--current', '--current', [CompletionResultType]::ParameterName, 'Current data: CSV or Parquet')
            [CompletionResult]::new('--reference-profile', '--reference-profile', [CompletionResultType]::ParameterName, 'A profile saved by --save-profile, in place of --reference')
            [CompletionResult]::new('--save-profile', '--save-profile', [CompletionResultType]::ParameterName, 'Save the reference''s profile (bins, counts, quantile sketch) to FILE.json, for --reference-profile')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Columns to compare (default: every column in both files)')
            [CompletionResult]::new('--categorical', '--categorical', [CompletionResultType]::ParameterName, 'Compare these columns as categories, whatever their type')
            [CompletionResult]::new('--bins', '--bins', [CompletionResultType]::ParameterName, 'PSI bins for numeric columns')
            [CompletionResult]::new('--binning', '--binning', [CompletionResultType]::ParameterName, 'How numeric PSI bins are cut')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'The statistic that decides drift per column (columns it does not apply to use PSI)')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Threshold of --method [default: psi 0.25, ks 0.05, wasserstein 0.1, js 0.1, chi2 0.05]')
            [CompletionResult]::new('--psi-threshold', '--psi-threshold', [CompletionResultType]::ParameterName, 'PSI threshold, for --method psi, for columns --method does not apply to, and for missing shares')
            [CompletionResult]::new('--drift-share', '--drift-share', [CompletionResultType]::ParameterName, 'The data drifts when at least this share of columns drift [default: any column]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;sql' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('assign', 'assign', [CompletionResultType]::ParameterValue, 'A query giving every row of FROM its unit''s variant and point x, as `abx assign` does')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'A query giving the sufficient statistics `abx analyze --summary -` reads, per variant (and segment)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'A query comparing logged variants with the variants the bucketing gives: matches, mismatches, units in several variants')
            break
        }
        'abx;sql;assign' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Experiment file')
            [CompletionResult]::new('--experiment', '--experiment', [CompletionResultType]::ParameterName, 'Experiment file')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'The engine that runs the query')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'A table name or any FROM item of the engine, inserted as given (DuckDB: read_csv(''units.csv''))')
            [CompletionResult]::new('--unit-column', '--unit-column', [CompletionResultType]::ParameterName, 'The column of unit ids')
            [CompletionResult]::new('--prefix-column', '--prefix-column', [CompletionResultType]::ParameterName, 'Take the hash prefix from this column (16 hex digits) instead of hashing the unit: to check the thresholds on chosen prefixes')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;sql;summary' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Experiment file')
            [CompletionResult]::new('--experiment', '--experiment', [CompletionResultType]::ParameterName, 'Experiment file')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'The engine that runs the query')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'A table name or any FROM item of the engine, inserted as given (DuckDB: read_csv(''units.csv''))')
            [CompletionResult]::new('--variant-column', '--variant-column', [CompletionResultType]::ParameterName, 'The column that holds each row''s variant (a column named here must exist)')
            [CompletionResult]::new('--unit-column', '--unit-column', [CompletionResultType]::ParameterName, 'The column of unit ids [default: unit]: events are rolled up per unit; the bucketing hashes it; unit rows must be one per unit')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'A segment column (repeatable, up to 3): rows per segment too, for `abx analyze --summary - --by COLUMN`')
            [CompletionResult]::new('--bucketing', '--bucketing', [CompletionResultType]::ParameterName, 'Assign units by the experiment''s bucketing of the unit column, even if FROM has a variant column')
            [CompletionResult]::new('--as-running', '--as-running', [CompletionResultType]::ParameterName, 'With bucketing, the ranges the experiment has while running, whatever its status now')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'FROM''s rows are events: each metric is rolled up per unit (its aggregate) first')
            [CompletionResult]::new('--approximate-percentiles', '--approximate-percentiles', [CompletionResultType]::ParameterName, 'Accept the engine''s approximate percentile for percentile caps where it has no exact one (Trino)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;sql;audit' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Experiment file')
            [CompletionResult]::new('--experiment', '--experiment', [CompletionResultType]::ParameterName, 'Experiment file')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'The engine that runs the query')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'A table name or any FROM item of the engine, inserted as given (DuckDB: read_csv(''units.csv''))')
            [CompletionResult]::new('--unit-column', '--unit-column', [CompletionResultType]::ParameterName, 'The column of unit ids')
            [CompletionResult]::new('--variant-column', '--variant-column', [CompletionResultType]::ParameterName, 'The column of logged variants')
            [CompletionResult]::new('--as-running', '--as-running', [CompletionResultType]::ParameterName, 'Compare with the ranges the experiment has while running, whatever its status now')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;growthbook' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('features', 'features', [CompletionResultType]::ParameterValue, 'Every feature (or --feature) of a GrowthBook SDK payload for each unit: the SDKs'' evalFeature')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'One inline GrowthBook experiment for each unit: the SDKs'' run')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Write an abx experiment file (hashing: growthbook) from a GrowthBook experiment, so that abx assign, analyze and verdict use the SDKs'' assignment')
            break
        }
        'abx;growthbook;features' {
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'The SDK payload: {\"features\": {...}, \"savedGroups\": {...}}')
            [CompletionResult]::new('--feature', '--feature', [CompletionResultType]::ParameterName, 'A feature to evaluate (repeatable) [default: every feature, in the payload''s order]')
            [CompletionResult]::new('--decryption-key', '--decryption-key', [CompletionResultType]::ParameterName, 'The SDK connection''s decryption key, for an encrypted payload (base64)')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'Units, one JSON object of attributes per line (`-` for stdin)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--id-attribute', '--id-attribute', [CompletionResultType]::ParameterName, 'Name each unit by this attribute''s value instead of its line index (from 0)')
            [CompletionResult]::new('--forced-variations', '--forced-variations', [CompletionResultType]::ParameterName, 'A JSON object of experiment key to variation index (the SDKs'' forcedVariations)')
            [CompletionResult]::new('--qa-mode', '--qa-mode', [CompletionResultType]::ParameterName, 'The SDKs'' qaMode: no unit is put in an experiment by hashing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;growthbook;run' {
            [CompletionResult]::new('--experiment', '--experiment', [CompletionResultType]::ParameterName, 'The experiment definition: {\"key\": ..., \"variations\": [...], ...}')
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'The payload whose features and saved groups the experiment''s prerequisites and conditions read')
            [CompletionResult]::new('--decryption-key', '--decryption-key', [CompletionResultType]::ParameterName, 'The decryption key of an encrypted --payload (base64)')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'Units, one JSON object of attributes per line (`-` for stdin)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--id-attribute', '--id-attribute', [CompletionResultType]::ParameterName, 'Name each unit by this attribute''s value instead of its line index (from 0)')
            [CompletionResult]::new('--forced-variations', '--forced-variations', [CompletionResultType]::ParameterName, 'A JSON object of experiment key to variation index (the SDKs'' forcedVariations)')
            [CompletionResult]::new('--qa-mode', '--qa-mode', [CompletionResultType]::ParameterName, 'The SDKs'' qaMode: no unit is put in an experiment by hashing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;growthbook;import' {
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'The SDK payload whose feature holds the experiment rule (and whose saved groups its conditions read)')
            [CompletionResult]::new('--feature', '--feature', [CompletionResultType]::ParameterName, 'The feature whose experiment rule to import')
            [CompletionResult]::new('--rule', '--rule', [CompletionResultType]::ParameterName, 'The experiment rule, by its id or its experiment''s key [default: the feature''s only experiment rule]')
            [CompletionResult]::new('--experiment', '--experiment', [CompletionResultType]::ParameterName, 'An inline experiment (as for `abx growthbook run`) instead of a feature''s rule')
            [CompletionResult]::new('--decryption-key', '--decryption-key', [CompletionResultType]::ParameterName, 'The decryption key of an encrypted --payload (base64)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the experiment file here (atomically) instead of to stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the experiment file here (atomically) instead of to stdout')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing --output file')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;report' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The directory holding each experiment''s data, named after the experiment (see above)')
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'Write index.html and NAME.html per experiment into this directory (created if missing)')
            [CompletionResult]::new('--as-of', '--as-of', [CompletionResultType]::ParameterName, 'The date days running and each experiment''s `end` are counted to [default: today]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;power' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('proportion', 'proportion', [CompletionResultType]::ParameterValue, 'A conversion rate: two-proportion z-test (R''s power.prop.test)')
            [CompletionResult]::new('mean', 'mean', [CompletionResultType]::ParameterValue, 'A mean: two-sample t-test, noncentral t (statsmodels'' TTestIndPower)')
            break
        }
        'abx;power;proportion' {
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Control conversion rate, in (0, 1)')
            [CompletionResult]::new('--mde', '--mde', [CompletionResultType]::ParameterName, 'Minimum detectable effect: absolute, or relative with --relative. Without it and with --n, abx solves for the MDE')
            [CompletionResult]::new('--alpha', '--alpha', [CompletionResultType]::ParameterName, 'Significance level, before correction for several treatments')
            [CompletionResult]::new('--power', '--power', [CompletionResultType]::ParameterName, 'Target power (1 - beta)')
            [CompletionResult]::new('--sided', '--sided', [CompletionResultType]::ParameterName, 'Two-sided or one-sided test')
            [CompletionResult]::new('--variants', '--variants', [CompletionResultType]::ParameterName, 'Number of variants, control included; each treatment is tested at alpha / (K - 1)')
            [CompletionResult]::new('--n', '--n', [CompletionResultType]::ParameterName, 'Units per variant: solve for power (with --mde) or for the MDE (without)')
            [CompletionResult]::new('--ratio', '--ratio', [CompletionResultType]::ParameterName, 'Allocation ratio: treatment units per control unit')
            [CompletionResult]::new('--daily-units', '--daily-units', [CompletionResultType]::ParameterName, 'Eligible units per day, to add the run time in days')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('--relative', '--relative', [CompletionResultType]::ParameterName, 'Read --mde as relative: treatment rate = P * (1 + M)')
            [CompletionResult]::new('--curve', '--curve', [CompletionResultType]::ParameterName, 'Show units per variant over a range of MDEs (half to double the given one)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;power;mean' {
            [CompletionResult]::new('--sd', '--sd', [CompletionResultType]::ParameterName, 'Standard deviation of the metric (per unit)')
            [CompletionResult]::new('--baseline-mean', '--baseline-mean', [CompletionResultType]::ParameterName, 'Control mean: makes --mde relative (absolute MDE = M * MEAN)')
            [CompletionResult]::new('--mde', '--mde', [CompletionResultType]::ParameterName, 'Minimum detectable effect: absolute, or relative with --relative. Without it and with --n, abx solves for the MDE')
            [CompletionResult]::new('--alpha', '--alpha', [CompletionResultType]::ParameterName, 'Significance level, before correction for several treatments')
            [CompletionResult]::new('--power', '--power', [CompletionResultType]::ParameterName, 'Target power (1 - beta)')
            [CompletionResult]::new('--sided', '--sided', [CompletionResultType]::ParameterName, 'Two-sided or one-sided test')
            [CompletionResult]::new('--variants', '--variants', [CompletionResultType]::ParameterName, 'Number of variants, control included; each treatment is tested at alpha / (K - 1)')
            [CompletionResult]::new('--n', '--n', [CompletionResultType]::ParameterName, 'Units per variant: solve for power (with --mde) or for the MDE (without)')
            [CompletionResult]::new('--ratio', '--ratio', [CompletionResultType]::ParameterName, 'Allocation ratio: treatment units per control unit')
            [CompletionResult]::new('--daily-units', '--daily-units', [CompletionResultType]::ParameterName, 'Eligible units per day, to add the run time in days')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('--curve', '--curve', [CompletionResultType]::ParameterName, 'Show units per variant over a range of MDEs (half to double the given one)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;test' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('proportions', 'proportions', [CompletionResultType]::ParameterValue, 'Conversion rates: pooled two-proportion z-test; chi-square over all arms with several treatments')
            [CompletionResult]::new('means', 'means', [CompletionResultType]::ParameterValue, 'Means from n, mean and sd: Welch''s t-test (Student''s with --equal-var)')
            [CompletionResult]::new('srm', 'srm', [CompletionResultType]::ParameterValue, 'Sample ratio mismatch: chi-square goodness of fit of unit counts to planned weights')
            break
        }
        'abx;test;proportions' {
            [CompletionResult]::new('--control', '--control', [CompletionResultType]::ParameterName, 'Control successes/trials, e.g. 480/10000')
            [CompletionResult]::new('--treatment', '--treatment', [CompletionResultType]::ParameterName, 'Treatment successes/trials; repeat for several treatments')
            [CompletionResult]::new('--alpha', '--alpha', [CompletionResultType]::ParameterName, 'Significance level of the confidence intervals')
            [CompletionResult]::new('--alternative', '--alternative', [CompletionResultType]::ParameterName, 'Alternative hypothesis about treatment minus control')
            [CompletionResult]::new('--relative-ci', '--relative-ci', [CompletionResultType]::ParameterName, 'Method of the relative lift''s confidence interval')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;test;means' {
            [CompletionResult]::new('--control', '--control', [CompletionResultType]::ParameterName, 'Control n,mean,sd, e.g. 5000,12.3,4.1')
            [CompletionResult]::new('--treatment', '--treatment', [CompletionResultType]::ParameterName, 'Treatment n,mean,sd; repeat for several treatments')
            [CompletionResult]::new('--alpha', '--alpha', [CompletionResultType]::ParameterName, 'Significance level of the confidence intervals')
            [CompletionResult]::new('--alternative', '--alternative', [CompletionResultType]::ParameterName, 'Alternative hypothesis about treatment minus control')
            [CompletionResult]::new('--relative-ci', '--relative-ci', [CompletionResultType]::ParameterName, 'Method of the relative lift''s confidence interval')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('--equal-var', '--equal-var', [CompletionResultType]::ParameterName, 'Student''s t-test with pooled variance instead of Welch''s')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;test;srm' {
            [CompletionResult]::new('--observed', '--observed', [CompletionResultType]::ParameterName, 'Units observed per variant, comma-separated')
            [CompletionResult]::new('--weights', '--weights', [CompletionResultType]::ParameterName, 'Planned weights per variant, comma-separated (normalised)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, else json]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'abx;man' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
