
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
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
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
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: the created path alone; json gives {"created": PATH}]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: the created path alone; json gives {"created": PATH}]')
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
            [CompletionResult]::new('--skip-empty', '--skip-empty', [CompletionResultType]::ParameterName, 'Skip empty lines (and empty ids in --input) instead of failing on them')
            [CompletionResult]::new('--no-header', '--no-header', [CompletionResultType]::ParameterName, 'Leave out the header row (csv, tsv, markdown)')
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
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
