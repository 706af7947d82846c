#include "arch/layerdiscovery.h"

#include "arch/familyrules.h"
#include "common/saturating.h"

#include <QMap>
#include <QRegularExpression>
#include <QSet>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::arch {
namespace {

bool isNumber(QStringView s)
{
    if (s.isEmpty())
        return false;
    for (QChar c : s) {
        if (!c.isDigit())
            return false;
    }
    return true;
}

QString blockRole(const QString &relModule, const QString &attention, const QString &mlp)
{
    const QString first = relModule.section(u'.', 0, 0);
    if (!attention.isEmpty() && first == attention)
        return u"attention"_s;
    if (!mlp.isEmpty() && first == mlp)
        return u"mlp"_s;
    const QString lower = first.toLower();
    if (lower.contains(u"norm"_s) || lower.startsWith(u"ln"_s))
        return u"norm"_s;
    return u"other"_s;
}

QString topRole(const QString &module)
{
    const QString lower = module.toLower();
    if (lower.contains(u"lm_head"_s) || lower.contains(u"embed_out"_s))
        return u"lm_head"_s;
    if (lower.contains(u"embed"_s) || lower.endsWith(u"wte"_s) || lower.endsWith(u"wpe"_s))
        return u"embedding"_s;
    if (lower.contains(u"norm"_s) || lower.endsWith(u"ln_f"_s))
        return u"norm"_s;
    return u"other"_s;
}

TensorNode tensorNode(const TensorDesc &t, QStringList &warnings)
{
    for (qint64 d : t.shape) {
        if (d < 0) {
            QStringList dims;
            for (qint64 x : t.shape)
                dims << QString::number(x);
            warnings << QString(u"tensor "_s + t.name + u" has an invalid shape ["_s + dims.join(u", "_s)
                                + u"]; counted as 0 parameters"_s);
            break;
        }
    }
    return TensorNode{t.name, t.dtype, t.shape, elementCount(t.shape)};
}

void addToModule(QList<ModuleNode> &modules, const QString &path, const QString &role, const TensorNode &t)
{
    for (ModuleNode &m : modules) {
        if (m.path == path) {
            m.tensors.append(t);
            m.params = saturatingAdd(m.params, t.params);
            return;
        }
    }
    modules.append(ModuleNode{path, role, {t}, t.params});
}

LayerLayout buildLayout(const QString &container, const QStringList &prefixes, const QString &attention,
                        const QString &mlp, const QList<TensorDesc> &tensors)
{
    LayerLayout layout;
    layout.container = container;
    layout.attention = attention;
    layout.mlp = mlp;
    QMap<int, BlockNode> blocks;
    for (const TensorDesc &t : tensors) {
        const TensorNode node = tensorNode(t, layout.warnings);
        bool placed = false;
        for (const QString &prefix : prefixes) {
            if (!t.name.startsWith(prefix + u'.'))
                continue;
            const QString rest = t.name.mid(prefix.size() + 1);
            const QString indexText = rest.section(u'.', 0, 0);
            const QString inBlock = rest.section(u'.', 1);
            bool ok = false;
            const int index = indexText.toInt(&ok);
            if (!ok || !isNumber(indexText) || inBlock.isEmpty())
                continue;
            BlockNode &b = blocks[index];
            b.index = index;
            b.path = container + u'.' + QString::number(index);
            const qsizetype dot = inBlock.lastIndexOf(u'.');
            const QString module = dot < 0 ? u"(block)"_s : inBlock.left(dot);
            addToModule(b.modules, module, blockRole(module, attention, mlp), node);
            b.params = saturatingAdd(b.params, node.params);
            placed = true;
            break;
        }
        if (!placed) {
            const qsizetype dot = t.name.lastIndexOf(u'.');
            const QString module = dot < 0 ? t.name : t.name.left(dot);
            addToModule(layout.topLevel, module, topRole(module), node);
        }
    }
    layout.blocks = blocks.values();
    for (qsizetype i = 0; i < layout.blocks.size(); ++i) {
        if (layout.blocks.at(i).index != i) {
            layout.warnings << QString(u"layer numbers under "_s + container
                                       + u" are not contiguous from 0 (missing layer "_s + QString::number(i)
                                       + u")"_s);
            break;
        }
    }
    return layout;
}

// The most frequent first child name inside blocks that contains one of the fragments.
QString pickChild(const QMap<QString, int> &children, std::initializer_list<QString> fragments)
{
    QString best;
    int bestCount = 0;
    for (auto it = children.cbegin(); it != children.cend(); ++it) {
        const QString lower = it.key().toLower();
        if (lower.contains(u"norm"_s))
            continue;
        for (const QString &f : fragments) {
            if (lower.contains(f) && it.value() > bestCount) {
                best = it.key();
                bestCount = it.value();
            }
        }
    }
    return best;
}

} // namespace

LayerLayout layoutFromRules(const FamilyRules &rules, const QList<TensorDesc> &tensors)
{
    return buildLayout(rules.container, rules.tensorPrefixes, rules.attention, rules.mlp, tensors);
}

LayerLayout discoverLayout(const QList<TensorDesc> &tensors)
{
    // prefix → distinct layer numbers and tensor count
    QMap<QString, QSet<int>> indices;
    QMap<QString, int> counts;
    for (const TensorDesc &t : tensors) {
        const QStringList parts = t.name.split(u'.');
        for (qsizetype k = 1; k + 1 < parts.size(); ++k) {
            if (isNumber(parts.at(k))) {
                const QString prefix = parts.mid(0, k).join(u'.');
                indices[prefix].insert(parts.at(k).toInt());
                ++counts[prefix];
                break;
            }
        }
    }
    QString container;
    for (auto it = indices.cbegin(); it != indices.cend(); ++it) {
        const auto current = indices.value(container).size();
        if (container.isEmpty() || it.value().size() > current
            || (it.value().size() == current && counts.value(it.key()) > counts.value(container)))
            container = it.key();
    }
    if (container.isEmpty()) {
        LayerLayout layout = buildLayout(QString(), {}, QString(), QString(), tensors);
        layout.warnings << u"no numbered layer container found in the tensor names"_s;
        return layout;
    }
    QMap<QString, int> children;
    for (const TensorDesc &t : tensors) {
        if (!t.name.startsWith(container + u'.'))
            continue;
        const QString rest = t.name.mid(container.size() + 1);
        if (rest.count(u'.') >= 2)
            ++children[rest.section(u'.', 1, 1)];
    }
    const QString attention = pickChild(children, {u"attn"_s, u"attention"_s});
    const QString mlp = pickChild(children, {u"mlp"_s, u"ffn"_s, u"feed_forward"_s, u"feedforward"_s,
                                             u"moe"_s, u"experts"_s});
    return buildLayout(container, {container}, attention, mlp, tensors);
}

} // namespace mistudio::arch
