"""Server side of the supporting services: CloudWatch pull counts, EC2 networking, ECS tasks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from . import details
from .errors import DemoServiceError
from .paging import paginate


# ------------------------------------------------------------------ cloudwatch
def _as_datetime(value) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    text = str(value).replace("Z", "+00:00")
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def get_metric_data(emu, reg, params):
    start, end = _as_datetime(params["StartTime"]), _as_datetime(params["EndTime"])
    end = min(end, emu.fleet.as_of)
    descending = params.get("ScanBy", "TimestampDescending") == "TimestampDescending"
    results, messages = [], []
    for query in params.get("MetricDataQueries", []):
        if query.get("ReturnData") is False:
            continue
        qid = query["Id"]
        stat = query.get("MetricStat")
        if stat is None:
            results.append({"Id": qid, "Label": query.get("Label", qid), "Timestamps": [], "Values": [],
                            "StatusCode": "Complete",
                            "Messages": [{"Code": "Unsupported", "Value": "Metric math is not emulated by the demo."}]})
            continue
        metric = stat["Metric"]
        period = int(stat["Period"])
        dims = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
        repo = reg.repository(dims.get("RepositoryName", ""))
        points = []
        if (metric.get("Namespace"), metric.get("MetricName")) == ("AWS/ECR", "RepositoryPullCount") and repo:
            for bucket in details.day_starts(start, end, period):
                if period >= 86400:
                    days = details.day_starts(bucket, min(end, bucket + timedelta(seconds=period)), 86400)
                    value = sum(details.daily_pull_count(repo, d, emu.fleet.scale) for d in days)
                else:
                    day = bucket.replace(hour=0, minute=0, second=0, microsecond=0)
                    value = round(details.daily_pull_count(repo, day, emu.fleet.scale) * period / 86400)
                if stat.get("Stat", "Sum") == "SampleCount":
                    value = float(value > 0) * min(value, period / 60)
                if value > 0:
                    points.append((bucket, float(value)))
        if descending:
            points.reverse()
        results.append({"Id": qid, "Label": query.get("Label", metric.get("MetricName", qid)),
                        "Timestamps": [p[0] for p in points], "Values": [p[1] for p in points],
                        "StatusCode": "Complete"})
    return {"MetricDataResults": results, "Messages": messages}


# ------------------------------------------------------------------ ec2
def _ec2_filter(items, filters, getters):
    for f in filters or []:
        name, values = f.get("Name"), set(f.get("Values") or [])
        getter = getters.get(name)
        if getter is None:
            raise DemoServiceError("InvalidParameterValue", f"The filter '{name}' is invalid")
        items = [i for i in items if values & set(getter(i))]
    return items


def _tags(name):
    return [{"Key": "Name", "Value": name}]


def describe_vpcs(emu, reg, params):
    items = list(reg.vpcs)
    if params.get("VpcIds"):
        items = [v for v in items if v.vpc_id in params["VpcIds"]]
    items = _ec2_filter(items, params.get("Filters"), {
        "vpc-id": lambda v: [v.vpc_id], "is-default": lambda v: [str(v.is_default).lower()],
        "cidr": lambda v: [v.cidr], "cidr-block-association.cidr-block": lambda v: [v.cidr],
        "state": lambda v: ["available"], "tag:Name": lambda v: [v.name], "owner-id": lambda v: [reg.account_id]})
    page, extra = paginate("ec2", "DescribeVpcs", params, items, token_key="NextToken", limit_key="MaxResults",
                           default=1000)
    return {"Vpcs": [{"VpcId": v.vpc_id, "CidrBlock": v.cidr, "State": "available", "OwnerId": reg.account_id,
                      "InstanceTenancy": "default", "IsDefault": v.is_default, "DhcpOptionsId": "dopt-0demo0000000001",
                      "CidrBlockAssociationSet": [{"AssociationId": v.vpc_id.replace("vpc-", "vpc-cidr-assoc-"),
                                                   "CidrBlock": v.cidr, "CidrBlockState": {"State": "associated"}}],
                      "Tags": _tags(v.name)} for v in page], **extra}


def describe_nat_gateways(emu, reg, params):
    items = list(reg.nat_gateways)
    if params.get("NatGatewayIds"):
        items = [n for n in items if n.nat_gateway_id in params["NatGatewayIds"]]
    items = _ec2_filter(items, params.get("Filter"), {
        "nat-gateway-id": lambda n: [n.nat_gateway_id], "state": lambda n: ["available"],
        "subnet-id": lambda n: [n.subnet_id], "vpc-id": lambda n: [n.vpc_id], "tag:Name": lambda n: [n.name]})
    page, extra = paginate("ec2", "DescribeNatGateways", params, items, token_key="NextToken", limit_key="MaxResults",
                           default=1000)
    return {"NatGateways": [{
        "CreateTime": n.created_at, "NatGatewayId": n.nat_gateway_id, "State": "available", "SubnetId": n.subnet_id,
        "VpcId": n.vpc_id, "ConnectivityType": "public", "Tags": _tags(n.name),
        "NatGatewayAddresses": [{"AllocationId": n.allocation_id, "NetworkInterfaceId": n.eni_id,
                                 "PrivateIp": n.private_ip, "PublicIp": n.public_ip, "IsPrimary": True,
                                 "Status": "succeeded"}]} for n in page], **extra}


def describe_vpc_endpoints(emu, reg, params):
    items = list(reg.vpc_endpoints)
    if params.get("VpcEndpointIds"):
        items = [e for e in items if e.endpoint_id in params["VpcEndpointIds"]]
    items = _ec2_filter(items, params.get("Filters"), {
        "vpc-endpoint-id": lambda e: [e.endpoint_id], "vpc-id": lambda e: [e.vpc_id],
        "service-name": lambda e: [e.service_name], "vpc-endpoint-type": lambda e: [e.endpoint_type],
        "vpc-endpoint-state": lambda e: ["available"]})
    page, extra = paginate("ec2", "DescribeVpcEndpoints", params, items, token_key="NextToken",
                           limit_key="MaxResults", default=1000)
    out = []
    for e in page:
        item = {"VpcEndpointId": e.endpoint_id, "VpcEndpointType": e.endpoint_type, "VpcId": e.vpc_id,
                "ServiceName": e.service_name, "State": "available", "RouteTableIds": list(e.route_table_ids),
                "SubnetIds": list(e.subnet_ids), "CreationTimestamp": e.created_at, "OwnerId": reg.account_id,
                "RequesterManaged": False, "IpAddressType": "ipv4",
                "PolicyDocument": '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*",'
                                  '"Action":"*","Resource":"*"}]}'}
        if e.endpoint_type == "Interface":
            suffix = e.service_name.rsplit(".", 2)[-2:]
            item.update({"PrivateDnsEnabled": True, "Groups": [{"GroupId": "sg-0demo00000000ecr", "GroupName": "vpce-ecr"}],
                         "NetworkInterfaceIds": [f"eni-0{e.endpoint_id[-12:]}{i}" for i in range(len(e.subnet_ids))],
                         "DnsEntries": [{"DnsName": f"{e.endpoint_id}.{'.'.join(suffix)}.{reg.region}.vpce.amazonaws.com",
                                         "HostedZoneId": "Z7HUB22UULQXV"}]})
        else:
            item.update({"PrivateDnsEnabled": False, "Groups": [], "NetworkInterfaceIds": [], "DnsEntries": []})
        out.append(item)
    return {"VpcEndpoints": out, **extra}


# ------------------------------------------------------------------ ecs
def _td_arn(reg, td):
    return f"arn:aws:ecs:{reg.region}:{reg.account_id}:task-definition/{td.family}:{td.revision}"


def list_task_definitions(emu, reg, params):
    status = params.get("status", "ACTIVE")
    prefix = params.get("familyPrefix")
    items = [td for td in reg.task_definitions
             if td.status == status and (prefix is None or td.family.startswith(prefix))]
    items.sort(key=lambda td: (td.family, td.revision), reverse=params.get("sort") == "DESC")
    arns = [_td_arn(reg, td) for td in items]
    page, extra = paginate("ecs", "ListTaskDefinitions", params, arns)
    return {"taskDefinitionArns": list(page), **extra}


def describe_task_definition(emu, reg, params):
    ref = params.get("taskDefinition", "")
    name = ref.rsplit("task-definition/", 1)[-1]
    family, _, rev = name.partition(":")
    candidates = [td for td in reg.task_definitions if td.family == family]
    if rev:
        candidates = [td for td in candidates if str(td.revision) == rev]
    else:
        candidates = [td for td in candidates if td.status == "ACTIVE"]
    if not candidates:
        raise DemoServiceError("ClientException", "Unable to describe task definition.")
    td = max(candidates, key=lambda t: t.revision)
    containers = []
    for i, image in enumerate(td.images):
        if i == 0:
            cname = td.family.split("-")[-1]
        elif "nginx" in image:
            cname = "nginx-sidecar"
        else:  # an upstream sidecar: name it after its image
            cname = image.rsplit("/", 1)[-1].split("@")[0].split(":")[0] + "-sidecar"
        containers.append({"name": cname, "image": image, "cpu": 256 if i == 0 else 64,
                           "memory": 512 if i == 0 else 128, "essential": i == 0,
                           "portMappings": [{"containerPort": 8080 if i == 0 else 80, "protocol": "tcp"}]})
    return {"taskDefinition": {
        "taskDefinitionArn": _td_arn(reg, td), "family": td.family, "revision": td.revision, "status": td.status,
        "containerDefinitions": containers, "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
        "compatibilities": ["EC2", "FARGATE"], "cpu": "512", "memory": "1024", "registeredAt": td.registered_at,
        "registeredBy": f"arn:aws:sts::{reg.account_id}:assumed-role/ci-deployer/github-actions"}, "tags": []}


HANDLERS = {
    ("cloudwatch", "GetMetricData"): get_metric_data,
    ("ec2", "DescribeVpcs"): describe_vpcs,
    ("ec2", "DescribeNatGateways"): describe_nat_gateways,
    ("ec2", "DescribeVpcEndpoints"): describe_vpc_endpoints,
    ("ecs", "ListTaskDefinitions"): list_task_definitions,
    ("ecs", "DescribeTaskDefinition"): describe_task_definition,
}
