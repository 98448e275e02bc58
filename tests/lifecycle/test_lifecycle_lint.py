"""Lint warnings for accepted-but-suspicious policies, static and on today's images."""

from ecr_report.reports.lifecycle import lint, parse_policy

from ecr_lifecycle_support import AS_OF, image, policy, rule

AGE = dict(countType="sinceImagePushed", countUnit="days", countNumber=7)


def codes(warnings):
    return [w.code for w in warnings]


def test_multi_entry_tag_list():
    w = lint(parse_policy(policy(rule(1, tagStatus="tagged", tagPatternList=["prod*", "release*"], **AGE))))
    assert codes(w) == ["multi-entry-tag-list"]
    assert "one rule per entry" in str(w[0]) and str(w[0]).startswith("warning: rule 1 (priority 1): ")


def test_static_shadowing():
    text = policy(
        rule(1, tagStatus="tagged", tagPatternList=["prod*"], countType="imageCountMoreThan", countNumber=5),
        rule(2, tagStatus="tagged", tagPrefixList=["prod-eu"], **AGE),  # prod-eu... ⊂ prod*
        rule(3, tagStatus="tagged", tagPatternList=["prod-us*", "x"], countType="imageCountMoreThan", countNumber=2),  # ⊂ prod*
        rule(4, tagStatus="tagged", tagPatternList=["*-rc"], **AGE),  # not provably covered
    )
    w = lint(parse_policy(text))
    shadowed = [x.rule_priority for x in w if x.code == "shadowed-rule"]
    assert shadowed == [2, 3]


def test_prefix_with_star_is_literal():
    w = lint(parse_policy(policy(rule(1, tagStatus="tagged", tagPrefixList=["v*"], **AGE))))
    assert codes(w) == ["prefix-wildcard"]


def test_claimed_today_and_no_op_today():
    text = policy(
        rule(1, tagStatus="tagged", tagPatternList=["v*"], countType="imageCountMoreThan", countNumber=10),
        rule(2, tagStatus="tagged", tagPatternList=["*1"], countType="imageCountMoreThan", countNumber=1),
    )
    imgs = [image("a", ["v1"], 5), image("b", ["v2", "x1"], 4)]
    w = lint(parse_policy(text), imgs, AS_OF, repository="web")
    assert codes(w) == ["no-op-today", "claimed-today"]
    assert w[1].rule_priority == 2 and "web" in str(w[1])
    assert "ECR.3" in str(w[0])


def test_policy_acting_today_is_not_no_op():
    text = policy(rule(1, tagStatus="any", countType="imageCountMoreThan", countNumber=1))
    assert lint(parse_policy(text), [image("a", [], 5), image("b", [], 4)], AS_OF) == []


def test_hooks_pull_through_cache_and_pull_time_exclusions():
    assert codes(lint(None, created_by_pull_through_cache=True, repository="docker-hub/library/nginx")) == ["pull-through-cache-no-policy"]
    assert lint(None) == []
    pulled = parse_policy(policy(rule(1, "transition", tagStatus="any", countType="sinceImagePulled", countUnit="days", countNumber=90)))
    assert codes(lint(pulled, pull_time_update_exclusions=())) == ["pulled-without-exclusions"]
    assert lint(pulled, pull_time_update_exclusions=["arn:aws:iam::111122223333:role/scanner"]) == []
    assert lint(pulled) == []  # unknown: no claim either way


def test_one_repository_s_slice_gives_the_warnings_grouping_gives():
    """The lint table passes each repository's slice of the fleet with `one_repository`: the
    same warnings as grouping the slice again, and grouping still splits a mixed input."""
    text = policy(
        rule(1, tagStatus="tagged", tagPatternList=["v*"], countType="imageCountMoreThan", countNumber=10),
        rule(2, tagStatus="tagged", tagPatternList=["*1"], countType="imageCountMoreThan", countNumber=1),
    )
    imgs = [image("a", ["v1"], 5), image("b", ["v2", "x1"], 4)]
    grouped = lint(parse_policy(text), imgs, AS_OF, repository="web")
    assert [str(w) for w in lint(parse_policy(text), imgs, AS_OF, repository="web", one_repository=True)] \
        == [str(w) for w in grouped] and codes(grouped) == ["no-op-today", "claimed-today"]
    two = [*imgs, {**image("c", ["v3"], 3), "repository_name": "other"}]
    assert codes(lint(parse_policy(text), two, AS_OF)).count("no-op-today") == 2
