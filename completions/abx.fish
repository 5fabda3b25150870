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
complete -c abx -n "__fish_abx_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c abx -n "__fish_abx_using_subcommand validate" -s f -l format -d 'Output format of the summary [default: table on a terminal, else json]' -r -f -a "table\t'Aligned table for people'
json\t'One JSON document'
csv\t'CSV, one row per table row'
markdown\t'GitHub-flavoured Markdown, to paste into a PR or doc'"
complete -c abx -n "__fish_abx_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand validate" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand init" -s f -l format -d 'Output format [default: the created path alone; json gives {"created": PATH}]' -r -f -a "table\t'Aligned table for people'
json\t'One JSON document'
csv\t'CSV, one row per table row'
markdown\t'GitHub-flavoured Markdown, to paste into a PR or doc'"
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
complete -c abx -n "__fish_abx_using_subcommand assign" -l skip-empty -d 'Skip empty lines (and empty ids in --input) instead of failing on them'
complete -c abx -n "__fish_abx_using_subcommand assign" -l no-header -d 'Leave out the header row (csv, tsv, markdown)'
complete -c abx -n "__fish_abx_using_subcommand assign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c abx -n "__fish_abx_using_subcommand assign" -s V -l version -d 'Print version'
complete -c abx -n "__fish_abx_using_subcommand completions" -s h -l help -d 'Print help'
complete -c abx -n "__fish_abx_using_subcommand completions" -s V -l version -d 'Print version'
