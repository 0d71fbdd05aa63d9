# bash completion for nmcli (gonm). nmcli itself knows what may come next:
# this asks "nmcli --complete-args WORD..." and offers its answer. It needs
# no bash-completion helpers; install it as
# /usr/share/bash-completion/completions/nmcli or source it.

# _gonm_nmcli_unquote VAR TEXT: the word TEXT as the shell would pass it
# (quotes removed, backslash escapes resolved), also when a quote is still
# open because the cursor is inside it.
_gonm_nmcli_unquote()
{
    local text=$2 out="" quote="" c i
    for ((i = 0; i < ${#text}; i++)); do
        c=${text:i:1}
        if [[ $quote == "'" ]]; then
            if [[ $c == "'" ]]; then quote=""; else out+=$c; fi
        elif [[ $quote == '"' ]]; then
            if [[ $c == '"' ]]; then
                quote=""
            elif [[ $c == '\' && $((i + 1)) -lt ${#text} && '"\$`' == *"${text:i+1:1}"* ]]; then
                out+=${text:i+1:1}
                ((i++))
            else
                out+=$c
            fi
        elif [[ $c == "'" || $c == '"' ]]; then
            quote=$c
        elif [[ $c == '\' ]]; then
            if ((i + 1 < ${#text})); then
                out+=${text:i+1:1}
                ((i++))
            fi
        else
            out+=$c
        fi
    done
    printf -v "$1" '%s' "$out"
}

# _gonm_nmcli_words: the words of the command line up to the cursor, with
# the pieces bash splits at COMP_WORDBREAKS (":" and "=" in connection
# names and --option=value) joined back. Sets words (raw), cword, and
# cur_bash (bash's own current word up to the cursor).
_gonm_nmcli_words()
{
    local line=${COMP_LINE:0:COMP_POINT} i w lead
    words=()
    cword=-1
    cur_bash=""
    for ((i = 0; i <= COMP_CWORD && i < ${#COMP_WORDS[@]}; i++)); do
        w=${COMP_WORDS[i]}
        lead=${line%%[![:space:]]*}
        line=${line:${#lead}}
        if ((i == COMP_CWORD)) && ((${#w} > ${#line})); then
            w=${line}
        fi
        if ((cword >= 0)) && [[ -z $lead ]]; then
            words[cword]+=$w
        else
            words+=("$w")
            cword=$((${#words[@]} - 1))
        fi
        line=${line:${#w}}
        if ((i == COMP_CWORD)); then
            cur_bash=$w
        fi
    done
    # The cursor after blanks starts a new, empty word.
    if ((COMP_CWORD >= ${#COMP_WORDS[@]})) || [[ -n $line ]]; then
        words+=("")
        cword=$((${#words[@]} - 1))
        cur_bash=""
    fi
}

# _gonm_nmcli_escape TEXT: TEXT with a backslash before each character the
# shell would otherwise take as syntax.
_gonm_nmcli_escape()
{
    local text=$1 out="" c i
    for ((i = 0; i < ${#text}; i++)); do
        c=${text:i:1}
        case $c in
        [[:space:]\\\'\"\$\`\!\&\(\)\;\|\<\>\*\?\[\]\{\}\#\~]) out+=\\$c ;;
        *) out+=$c ;;
        esac
    done
    printf '%s' "$out"
}

_gonm_nmcli()
{
    local words cword cur_bash
    _gonm_nmcli_words
    local args=() i a cur out rc
    for ((i = 1; i <= cword; i++)); do
        _gonm_nmcli_unquote a "${words[i]}"
        args+=("$a")
    done
    cur=${args[${#args[@]} - 1]}

    out=$(command "${1:-nmcli}" --complete-args "${args[@]}" 2>/dev/null)
    rc=$?
    COMPREPLY=()
    if ((rc == 65)); then
        # nmcli wants a file name here.
        compopt -o default 2>/dev/null
        return 0
    fi
    ((rc == 0)) || return 0

    # The part of the current word that bash does not count as its own
    # (before a ':' or '=' it split at) is left out of each candidate.
    local bash_cur
    _gonm_nmcli_unquote bash_cur "$cur_bash"
    # A word of break characters only (the ":" right before the cursor)
    # leaves readline an empty word to complete.
    [[ -n $cur_bash && -z ${cur_bash//[$COMP_WORDBREAKS]/} ]] && bash_cur=""
    local lead=${cur:0:${#cur}-${#bash_cur}}
    local quote=""
    [[ ${cur_bash:0:1} == "'" || ${cur_bash:0:1} == '"' ]] && quote=${cur_bash:0:1}

    local cand
    while IFS= read -r cand; do
        [[ -n $cand ]] || continue
        # nmcli 1.42 answers an option's value as "TYPED=CANDIDATE".
        if [[ $cand == "$cur="* ]]; then
            cand=${cand#"$cur="}
            if [[ $cur == --*=* ]]; then
                cand=${cur%%=*}=$cand
            fi
        fi
        [[ $cand == "$cur"* ]] || continue
        cand=${cand:${#lead}}
        case $quote in
        "'") cand=${cand//\'/\'\\\'\'} ;;
        '"') cand=${cand//\\/\\\\}; cand=${cand//\"/\\\"}; cand=${cand//\$/\\\$}; cand=${cand//\`/\\\`} ;;
        *) cand=$(_gonm_nmcli_escape "$cand") ;;
        esac
        COMPREPLY+=("$cand")
    done <<<"$out"
    return 0
} &&
    complete -F _gonm_nmcli nmcli
