#!/bin/sh
# One sharded run on AWS Batch: the collect array job (one child per shard; each child's shard is
# AWS_BATCH_JOB_ARRAY_INDEX), then the assemble job, which depends on the array job's id and so
# starts once every child has succeeded. Both get the same run id.
#   deploy/aws-batch/submit.sh SHARDS [RUN_ID]            submit both; prints the two job ids
#   deploy/aws-batch/submit.sh --print SHARDS [RUN_ID]    print the two SubmitJob inputs only
#   deploy/aws-batch/submit.sh --assemble-only SHARDS RUN_ID   assemble with no dependency (after
#                                                          a shard failed for good: its units
#                                                          are then reported as not collected)
#   deploy/aws-batch/submit.sh --output s3://BUCKET/PREFIX ...  the shard area on S3 instead of
#                                                          /data (no EFS shared between shards;
#                                                          the assembled run is written to /data)
# RUN_ID defaults to now (UTC, the run id format of jobs/rundir.py). SHARDS is 2 to 10000 (an
# array job's size); for one process submit submit-run.json instead.
set -eu

usage() { echo "usage: $0 [--output ROOT] [--print] SHARDS [RUN_ID] | $0 [--output ROOT] --assemble-only SHARDS RUN_ID" >&2; exit 2; }
here=$(dirname "$0")
mode=submit
output=/data
if [ "${1:-}" = --output ]; then
    [ $# -ge 2 ] || usage
    output=$2
    shift 2
fi
# The shard area: a path in the container, or s3://bucket[/prefix]; of plain characters only
# (nothing sed or JSON would read as their own).
case $output in /*|s3://?*) ;; *) usage ;; esac
case $output in *[!A-Za-z0-9/:._=+@-]*) usage ;; esac
case ${1:-} in --print) mode=print; shift ;; --assemble-only) mode=assemble; shift ;; esac
[ $# -ge 1 ] && [ $# -le 2 ] || usage
if [ "$mode" = assemble ] && [ $# -ne 2 ]; then usage; fi
shards=$1
run_id=${2:-$(date -u +%Y%m%dT%H%M%SZ)}
case $shards in ''|*[!0-9]*) usage ;; esac
[ "$shards" -ge 2 ] && [ "$shards" -le 10000 ] || usage
# The run directory's format (jobs/rundir.py): the as-of time in UTC, optionally -N.
if ! printf '%s\n' "$run_id" | grep -Eqx '[0-9]{8}T[0-9]{6}Z(-([2-9]|[1-9][0-9]+))?'; then
    echo "$0: run id $run_id: not YYYYMMDDTHHMMSSZ[-N]" >&2; exit 2
fi

# render FILE [DEPENDS_ON]: the SubmitJob input with this run's values.
render() {
    sed -e "s|__RUN_ID__|$run_id|g" -e "s|__SHARDS__|$shards|g" -e "s|__OUTPUT__|$output|g" \
        -e "s|__DEPENDS_ON__|${2:-}|g" "$here/$1"
}
# No type: the assemble job waits for the whole array job (N_TO_N would pair child with child).
depends_on() { printf '{"jobId": "%s"}' "$1"; }
submit() { aws batch submit-job --cli-input-json "$1" --query jobId --output text; }

case $mode in
    print)
        render submit-collect.json
        render submit-assemble.json "$(depends_on COLLECT_JOB_ID)"
        ;;
    assemble)
        submit "$(render submit-assemble.json)"
        ;;
    submit)
        collect_id=$(submit "$(render submit-collect.json)")
        echo "collect $collect_id (run $run_id)"
        echo "assemble $(submit "$(render submit-assemble.json "$(depends_on "$collect_id")")")"
        ;;
esac
