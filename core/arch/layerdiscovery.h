#pragma once

#include "arch/architecture.h"

namespace mistudio::arch {

struct FamilyRules;

// Tensors grouped into numbered blocks under one container, plus everything outside it.
struct LayerLayout
{
    QString container;  // transformers module path of the block list
    QString attention;  // child names inside a block ("" when none was found)
    QString mlp;
    QList<BlockNode> blocks;
    QList<ModuleNode> topLevel;
    QStringList warnings;

    qsizetype blockCount() const { return blocks.size(); }
};

// Groups tensors with a known family's container and child names.
LayerLayout layoutFromRules(const FamilyRules &rules, const QList<TensorDesc> &tensors);
// Finds the container as the dotted prefix followed by the most distinct layer numbers, and the
// attention/MLP children by their usual name fragments ("attn", "attention" / "mlp", "ffn", ...).
LayerLayout discoverLayout(const QList<TensorDesc> &tensors);

} // namespace mistudio::arch
