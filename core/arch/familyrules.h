#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace mistudio::arch {

// How one transformers family lays out its decoder blocks: where the block list lives, what its
// attention and MLP children are called, and which modules carry each residual hook point.
struct FamilyRules
{
    QString family;
    QString container;            // transformers module path of the block list
    QStringList tensorPrefixes;   // checkpoint prefixes of that list (gpt2 files may omit "transformer.")
    QString attention;            // child module names inside a block
    QString mlp;
    QString residMidModule;       // its *input* is resid_mid (sequential residual only)
    QString attnOutModule;        // its *output* is what attention adds to the residual
    QString mlpOutModule;         // likewise for the MLP
    enum class Residual { Sequential, Parallel, FromConfig } residual = Residual::Sequential;
    QString parallelKey;          // config key when residual == FromConfig
    bool parallelDefault = false;

    // Resolves FromConfig (and falcon's new_decoder_architecture) for one config.json.
    bool isParallel(const QJsonObject &config) const;
};

// The rules for a config's model_type, or nullptr for an unknown type (use the generic discovery).
const FamilyRules *familyRulesFor(QStringView modelType);
QStringList knownFamilies();

} // namespace mistudio::arch
