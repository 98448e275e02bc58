#!/bin/sh
# One sharded run on Kubernetes: the collect Indexed Job, then (once it has finished, complete or
# failed) the assemble Job, both with the same run id. Run by the driver CronJob (driver.yaml) or
# by hand with kubectl configured:
#   deploy/kubernetes/sharded/run-sharded.sh SHARDS [RUN_ID]     create both, wait, exit 0 on success
#   deploy/kubernetes/sharded/run-sharded.sh --print SHARDS [RUN_ID]   print the two manifests only
# RUN_ID defaults to now (UTC, the run id format of jobs/rundir.py). IMAGE (default
# ecr-report:0.1.0) and NAMESPACE (default ecr-report) come from the environment.
set -eu

usage() { echo "usage: $0 [--print] SHARDS [RUN_ID]" >&2; exit 2; }
print=no
if [ "${1:-}" = "--print" ]; then print=yes; shift; fi
[ $# -ge 1 ] && [ $# -le 2 ] || usage
shards=$1
run_id=${2:-$(date -u +%Y%m%dT%H%M%SZ)}
case $shards in ''|*[!0-9]*|0) usage ;; esac
# The run directory's format (jobs/rundir.py): the as-of time in UTC, optionally -N.
if ! printf '%s\n' "$run_id" | grep -Eqx '[0-9]{8}T[0-9]{6}Z(-([2-9]|[1-9][0-9]+))?'; then
    echo "$0: run id $run_id: not YYYYMMDDTHHMMSSZ[-N]" >&2; exit 2
fi
name=$(printf '%s' "$run_id" | tr '[:upper:]' '[:lower:]')   # Job names are lower-case DNS labels
image=${IMAGE:-ecr-report:0.1.0}
namespace=${NAMESPACE:-ecr-report}
here=$(dirname "$0")

render() {
    sed -e "s|__RUN_ID__|$run_id|g" -e "s|__RUN_NAME__|$name|g" \
        -e "s|__SHARDS__|$shards|g" -e "s|__IMAGE__|$image|g" "$here/$1"
}

# Prints Complete or Failed once the Job has finished.
wait_for() {
    while :; do
        state=$(kubectl -n "$namespace" get job "$1" \
            -o jsonpath='{.status.conditions[?(@.status=="True")].type}')
        case " $state " in
            *" Complete "*) echo Complete; return ;;
            *" Failed "*) echo Failed; return ;;
        esac
        sleep 30
    done
}

if [ "$print" = yes ]; then
    render collect-job.yaml
    echo ---
    render assemble-job.yaml
    exit 0
fi

render collect-job.yaml | kubectl -n "$namespace" create -f -
echo "collect: $(wait_for "ecr-report-collect-$name")" >&2
# Assembled even when shards failed: their units are listed as not collected (exit 3).
render assemble-job.yaml | kubectl -n "$namespace" create -f -
result=$(wait_for "ecr-report-assemble-$name")
echo "assemble: $result (run $run_id)" >&2
[ "$result" = Complete ]
