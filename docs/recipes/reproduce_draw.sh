#!/bin/sh
# 不用 ssj，只用 POSIX shell、git、awk、sort、sha256sum 重算一次抽取（ssj-sha256-v1）。
# Reproduce an ssj draw without ssj: POSIX sh + git + awk + sort + sha256sum.
#
# 用法 / usage:  sh reproduce_draw.sh 工作区目录 抽取编号      例：sh reproduce_draw.sh demo 2026-1
#
# 做法（详见 docs/algorithm.md）：
#   1. 从抽取记录 plans/*/draws/<编号>.yaml 读出种子、名录提交、参数、排除名单、重点单位；
#   2. 用 git show <提交>:<名录文件> 取出当时提交的名录（YAML 或 CSV），核对其 SHA-256；
#   3. 名录编号去掉记录列出的排除单位、重点单位、R3 强制单位（及同年度先前抽取已列为任务的单位），
#      得到随机池，用 LC_ALL=C sort + sha256sum 核对随机池摘要；
#   4. 每个编号的签号 = printf '%s' "种子|抽取编号|编号" | sha256sum；
#   5. 每层 k = ceil(r × N)（整数运算，不用浮点），按签号升序取前 k 个为抽中、其后为候补；
#   6. 全部抽中单位按签号排序，第 i 个（从 0 起）归入时段 i mod P；重点单位同样按签号轮转。
# 结果与记录不符时退出码为 1。
#
# 只读懂 ssj 写出的记录格式、一行一个字段的名录 YAML 和 ssj 的 CSV 名录（分层字段的值须是
# ssj 写出的规范写法，如“重大”而非“红”）；不处理多行字符串等少见的 YAML 写法。
# 排除的单位、规则（冷却期、年度上限等）是否成立，以及替换、人员匹配、回访抽取，见 verify.py。
set -eu

if [ $# -ne 2 ]; then
    echo "用法：$0 工作区目录 抽取编号" >&2
    exit 2
fi
ws=$1
draw=$2
LC_ALL=C
export LC_ALL # 字节序 = UTF-8 码位序，与 ssj 的排序一致
tab=$(printf '\t')

if command -v sha256sum >/dev/null 2>&1; then
    sha() { sha256sum | cut -c1-64; }
else
    sha() { shasum -a 256 | cut -c1-64; } # macOS
fi

rec=
for f in "$ws"/plans/*/draws/"$draw".yaml; do
    [ -f "$f" ] && rec=$f
done
[ -n "$rec" ] || {
    echo "找不到抽取记录 plans/*/draws/$draw.yaml" >&2
    exit 2
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 把一个 YAML 文件展平为“条目号<TAB>键路径<TAB>值”，条目号是顶层列表中的第几项。
# 例：selected 的第 3 项的 stratum 一行为  3<TAB>selected.stratum<TAB>北山乡
cat >"$tmp/flatten.awk" <<'AWK'
function unq(v) {
    if (v ~ /^'/) { sub(/^'/, "", v); sub(/'[ \t]*(#.*)?$/, "", v); gsub(/''/, "'", v); return v }
    if (v ~ /^"/) { sub(/^"/, "", v); sub(/"[ \t]*(#.*)?$/, "", v); return v }
    sub(/[ \t]+#.*$/, "", v); sub(/[ \t]+$/, "", v)
    return v
}
function path(n,   j, p) {
    p = ""
    for (j = 0; j <= n; j++) if (j in key) p = p (p == "" ? "" : ".") key[j]
    return p
}
function drop(n,   j) { for (j in key) if (j + 0 > n) delete key[j] }
/^[ \t]*(#|$)/ || /^---/ { next }
{
    match($0, /^ */); ind = RLENGTH; s = substr($0, ind + 1)
    if (s ~ /^-( |$)/) {
        if (ind == 0) item++
        drop(ind)
        s = substr(s, 3)
        if (s !~ /^[^'"][^:]*:( |$)/) { print item "\t" path(ind) "\t" unq(s); next }
        ind += 2
    }
    k = s; sub(/:( .*)?$/, "", k)
    v = substr(s, length(k) + 2); sub(/^[ \t]+/, "", v)
    drop(ind - 1); key[ind] = k
    if (v != "" && v != "[]" && v != "{}") print item "\t" path(ind) "\t" unq(v)
}
AWK
flat() { awk -f "$tmp/flatten.awk" "$@"; }
get() { awk -F "$tab" -v p="$1" '$2 == p { print $3 }' "$tmp/rec"; }

flat "$rec" >"$tmp/rec"
[ "$(get kind)" = draw ] && [ "$(get algorithm)" = ssj-sha256-v1 ] || {
    echo "$rec 不是 ssj-sha256-v1 的抽取记录" >&2
    exit 2
}
[ "$(get draw_id)" = "$draw" ] || {
    echo "记录中的抽取编号是 $(get draw_id)" >&2
    exit 2
}
if grep -q '^seed: "' "$rec"; then # 双引号写法可能含转义，留给 reproduce_draw.py
    echo "种子含特殊字符，本脚本不处理；请用 reproduce_draw.py" >&2
    exit 2
fi
seed=$(get seed)
year=$(get year)
commit=$(get commit)
roster=$(get rosters.entities.path)
stratify=$(get parameters.stratify | paste -sd, -)
get parameters.periods >"$tmp/periods"
alternates=$(get parameters.alternates)
printf '抽取 %s：种子 %s，名录 %s @ %s\n' "$draw" "$seed" "$roster" "$commit"

# 2. 当时提交的名录（YAML 或 CSV），逐字节核对
case $roster in
*.csv) fmt=csv ;;
*) fmt=yaml ;;
esac
git -C "$ws" show "$commit:$roster" >"$tmp/roster.$fmt"
if [ "$(sha <"$tmp/roster.$fmt")" != "$(get rosters.entities.sha256)" ]; then
    echo "名录 SHA-256 与记录不符" >&2
    exit 1
fi

# 名录展平为“条目号<TAB>entities.字段<TAB>值”，与记录的展平同一写法。
# CSV 名录：第一行是表头（中文名或英文键），值按 RFC 4180 的引号规则读，
# 以 '= '+ '- '@ 开头的单元格去掉防公式的单引号。
if [ $fmt = csv ]; then
    awk '
        function cells(line,   n, i, c, f, q) {
            if (index(line, "\"") == 0) return split(line, cell, ",")
            n = 0; f = ""; q = 0
            for (i = 1; i <= length(line); i++) {
                c = substr(line, i, 1)
                if (q) {
                    if (c != "\"") f = f c
                    else if (substr(line, i + 1, 1) == "\"") { f = f "\""; i++ }
                    else q = 0
                } else if (c == "\"") q = 1
                else if (c == ",") { cell[++n] = f; f = "" }
                else f = f c
            }
            cell[++n] = f
            return n
        }
        BEGIN {
            split("统一社会信用代码 id 编号 id 统一社会信用代码/编号 id 单位名称 name 监管类别 category " \
                  "行业 industries 所属区域 region 规模 scale 风险等级 risk 重点单位 key " \
                  "经营状态 status 监管层级 level 标准化等级 standardization 信用标记 flags", w, " ")
            for (i = 1; i in w; i += 2) { title[w[i]] = w[i + 1]; title[w[i + 1]] = w[i + 1] }
        }
        { sub(/\r$/, "") }
        NR == 1 {
            sub(/^\357\273\277/, "")
            n = cells($0)
            for (i = 1; i <= n; i++) { h = cell[i]; gsub(/^[ *]+|[ *]+$/, "", h); name[i] = title[h] }
            next
        }
        /^[, ]*$/ { next }
        {
            n = cells($0); item++
            for (i = 1; i <= n; i++) if (name[i] != "") {
                v = cell[i]
                if (v ~ /^\047[=+@-]/) v = substr(v, 2)
                if (v == "是") v = "true"; else if (v == "否") v = "false"
                print item "\tentities." name[i] "\t" v
            }
        }' "$tmp/roster.csv" >"$tmp/roster.flat"
else
    flat "$tmp/roster.yaml" >"$tmp/roster.flat"
fi

# 每个单位：编号<TAB>分层（分层字段的值以 / 连接；无分层字段时为“全部”）
awk -F "$tab" -v fields="$stratify" '
    BEGIN { n = split(fields, f, ",") }
    $2 == "entities.id" { id[$1] = $3; order[++m] = $1 }
    { split($2, p, "."); if (p[1] == "entities") val[$1, p[2]] = $3 }
    END {
        for (i = 1; i <= m; i++) {
            it = order[i]; s = ""
            for (j = 1; j <= n; j++) {
                v = val[it, f[j]]
                if (v == "true") v = "是"; else if (v == "false") v = "否"
                else if (v == "" || v == "~" || v == "null") v = "（空）"
                s = s (j > 1 ? "/" : "") v
            }
            print id[it] "\t" (n ? s : "全部")
        }
    }' "$tmp/roster.flat" >"$tmp/entities"

# 3. 随机池 = 名录 − 排除 − 重点单位 − R3 强制单位 − 同年度先前抽取已列为任务的单位
{
    get excluded.ids
    get key.id
    get forced.id
    get history | while IFS= read -r h; do
        if [ -f "$ws/plans/$year/draws/$h.yaml" ]; then
            flat "$ws/plans/$year/draws/$h.yaml" |
                awk -F "$tab" '$2 == "key.id" || $2 == "forced.id" { print $3 }'
        fi
    done
} >"$tmp/removed"
awk -F "$tab" -v rm="$tmp/removed" 'BEGIN { while ((getline x < rm) > 0) out[x] = 1 }
    !($1 in out)' "$tmp/entities" >"$tmp/pool"

digest=$(cut -f1 "$tmp/pool" | sort | awk 'NR > 1 { printf "\n" } { printf "%s", $0 }' | sha)
if [ "$digest" != "$(get population.digest)" ]; then
    echo "随机池摘要不符：重算 $(wc -l <"$tmp/pool" | tr -d ' ') 个，记录 $(get population.count) 个。" >&2
    echo "（名录、记录的 excluded 或先前抽取的任务与抽取时不同；逐项核对请用 verify.py）" >&2
    exit 1
fi
echo "随机池 $(get population.count) 个，摘要 $digest 与记录一致"

# 4. 签号
while IFS="$tab" read -r id stratum; do
    printf '%s\t%s\t%s\n' "$(printf '%s' "$seed|$draw|$id" | sha)" "$id" "$stratum"
done <"$tmp/pool" >"$tmp/tickets"

# 5. 每层的 k：ceil(p × N / q)，比例 r = p/q 按十进制写法精确换算，不经过浮点
awk -F "$tab" '
    $2 == "strata.stratum" { s[$1] = $3; items[++m] = $1 }
    $2 == "strata.ratio" { r[$1] = $3 }
    $2 == "strata.count" { c[$1] = $3 }
    $2 == "strata.minimum" { mn[$1] = $3 }
    $2 == "strata.selected" { k[$1] = $3 }
    END {
        for (i = 1; i <= m; i++) {
            it = items[i]
            print s[it] "\t" (it in r ? r[it] : "") "\t" (it in c ? c[it] : "") "\t" \
                (it in mn ? mn[it] : "") "\t" k[it]
        }
    }' "$tmp/rec" >"$tmp/strata"
awk -F "$tab" '{ n[$3]++ } END { for (s in n) print s "\t" n[s] }' "$tmp/tickets" >"$tmp/counts"
awk -F "$tab" -v counts="$tmp/counts" '
    BEGIN { while ((getline x < counts) > 0) { split(x, c, "\t"); n[c[1]] = c[2] } }
    {
        N = ($1 in n) ? n[$1] + 0 : 0
        if ($2 != "") {
            if ($2 !~ /^[0-9]+(\.[0-9]+)?$/) { print "比例 " $2 " 请用 reproduce_draw.py 计算" > "/dev/stderr"; failed = 2; exit 2 }
            dot = index($2, ".")
            frac = dot ? substr($2, dot + 1) : ""
            p = (dot ? substr($2, 1, dot - 1) frac : $2) + 0
            q = 1; for (j = 0; j < length(frac); j++) q *= 10
            if (length(frac) > 9 || p * N >= 2 ^ 53) { print "数字过大，请用 reproduce_draw.py" > "/dev/stderr"; failed = 2; exit 2 }
            k = int((p * N + q - 1) / q)
        } else k = ($3 + 0 < N) ? $3 + 0 : N
        if ($4 != "") { m = ($4 + 0 < N) ? $4 + 0 : N; if (m > k) k = m }
        if (k != $5) { print "分层 " $1 "：重算 k=" k "，记录 " $5 > "/dev/stderr"; failed = 1; exit 1 }
        printf "%s\t%d\n", $1, k; delete n[$1]
    }
    END { if (failed) exit failed; for (s in n) { print "分层 " s " 不在记录中" > "/dev/stderr"; exit 1 } }' "$tmp/strata" >"$tmp/k"

# 每层按签号升序：前 k 个抽中，其后 a 个候补
sort -t "$tab" -k3,3 -k1,1 "$tmp/tickets" | awk -F "$tab" -v a="$alternates" -v sel="$tmp/sel" -v alt="$tmp/alt" -v ks="$tmp/k" '
    BEGIN { while ((getline x < ks) > 0) { split(x, c, "\t"); k[c[1]] = c[2] } }
    {
        i = ++rank[$3]
        if (i <= k[$3]) print > sel
        else if (i <= k[$3] + a) print $2 "\t" $1 "\t" $3 > alt
    }'
touch "$tmp/sel" "$tmp/alt"

# 6. 时段：全部抽中单位按签号排序，第 i 个归入时段 i mod P
periodize() {
    sort "$1" | awk -F "$tab" -v periods="$tmp/periods" '
        BEGIN { while ((getline line < periods) > 0) per[P++] = line }
        { print $2 "\t" $1 "\t" $3 "\t" (P ? per[(NR - 1) % P] : "") }'
}
periodize "$tmp/sel" >"$tmp/mine.selected"
awk -F "$tab" '{ print $2 "\t" $3 }' "$tmp/sel" |
    awk -F "$tab" '$2 != last { if (NR > 1) printf "\n"; printf "%s：", $2; last = $2; sep = "" }
        { printf "%s%s", sep, $1; sep = " " } END { if (NR) printf "\n" }'

# 重点单位与 R3 强制单位：同样按签号排序后轮转时段
for kind in key forced; do
    get "$kind.id" | while IFS= read -r id; do
        printf '%s\t%s\t\n' "$(printf '%s' "$seed|$draw|$id" | sha)" "$id"
    done >"$tmp/$kind.t"
    periodize "$tmp/$kind.t" | cut -f1,2,4 >"$tmp/mine.$kind"
done

# 与记录逐项比较：抽中（编号、签号、分层、时段）、候补（顺序）、重点与强制单位的时段
recorded() {
    awk -F "$tab" -v want="$1" '
        $2 == want ".id" { id[$1] = $3; o[++m] = $1 }
        $2 == want ".ticket" { t[$1] = $3 }
        $2 == want ".stratum" { s[$1] = $3 }
        $2 == want ".period" { p[$1] = $3 }
        END {
            for (i = 1; i <= m; i++) {
                it = o[i]
                if (want == "selected") print id[it] "\t" t[it] "\t" s[it] "\t" p[it]
                else if (want == "alternates") print id[it] "\t" t[it] "\t" s[it]
                else print id[it] "\t" t[it] "\t" p[it]
            }
        }' "$tmp/rec"
}
status=0
recorded selected >"$tmp/rec.selected"
recorded alternates >"$tmp/rec.alt"
recorded key >"$tmp/rec.key"
recorded forced >"$tmp/rec.forced"
check() {
    if cmp -s "$2" "$3"; then
        echo "$1：与记录一致"
    else
        echo "$1：与记录不一致" >&2
        diff "$2" "$3" >&2 || true
        status=1
    fi
}
check 抽中单位 "$tmp/rec.selected" "$tmp/mine.selected"
check 候补单位 "$tmp/rec.alt" "$tmp/alt"
check 重点单位时段 "$tmp/rec.key" "$tmp/mine.key"
check 强制单位时段 "$tmp/rec.forced" "$tmp/mine.forced"
exit $status
