#include "architecturedialog.h"

#include "common/units.h"
#include "icons.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QFuture>
#include <QGuiApplication>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSaveFile>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>
#include <QVBoxLayout>
#include <QtConcurrent>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

static QString shapeText(const QJsonValue &shape)
{
    QStringList dims;
    for (const QJsonValue &d : shape.toArray())
        dims << QString::number(qint64(d.toDouble()));
    return u"["_s + dims.join(u", "_s) + u"]"_s;
}

static QString paramsText(const QJsonValue &v)
{
    return v.isDouble() ? QLocale().toString(qint64(v.toDouble())) : QString();
}

// A module's role (core/arch ModuleNode::role) in words.
static QString roleText(const QString &role)
{
    if (role == u"attention"_s)
        return ArchitectureDialog::tr("attention");
    if (role == u"mlp"_s)
        return ArchitectureDialog::tr("MLP");
    if (role == u"norm"_s)
        return ArchitectureDialog::tr("normalization");
    if (role == u"embedding"_s)
        return ArchitectureDialog::tr("embedding");
    if (role == u"lm_head"_s)
        return ArchitectureDialog::tr("output head");
    if (role == u"other"_s || role.isEmpty())
        return ArchitectureDialog::tr("other");
    return role;
}

ArchitectureDialog::ArchitectureDialog(const QString &repoId, const QJsonObject &architecture,
                                       QWidget *parent)
    : QDialog(parent)
    , m_repoId(repoId)
    , m_arch(architecture)
{
    setObjectName(u"architectureDialog"_s);
    setWindowTitle(tr("Architecture of %1").arg(repoId));
    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(u"architectureTabs"_s);

    // Summary: the base architecture fields (docs/api.md) and how the structure was found.
    auto *summary = new QWidget(tabs);
    auto *form = new QFormLayout(summary);
    const QLocale loc;
    auto row = [&](const QString &label, const QString &key) {
        const QJsonValue v = m_arch.value(key);
        QString text;
        if (v.isDouble())
            text = loc.toString(qint64(v.toDouble()));
        else if (v.isBool())
            text = v.toBool() ? tr("yes") : tr("no");
        else
            text = v.toString();
        if (text.isEmpty())
            return;
        auto *l = new QLabel(text, summary);
        l->setObjectName(u"arch_"_s + key);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        l->setWordWrap(true);
        form->addRow(label, l);
    };
    row(tr("Model type:"), u"model_type"_s);
    row(tr("Family rules:"), u"family"_s);
    row(tr("Detection:"), u"detection"_s);
    row(tr("Total parameters:"), u"total_params"_s);
    row(tr("Hidden size:"), u"hidden_size"_s);
    row(tr("Intermediate size:"), u"intermediate_size"_s);
    row(tr("Layers:"), u"num_hidden_layers"_s);
    row(tr("Attention heads:"), u"num_attention_heads"_s);
    row(tr("Key/value heads:"), u"num_key_value_heads"_s);
    row(tr("Vocabulary:"), u"vocab_size"_s);
    row(tr("Context length:"), u"max_position_embeddings"_s);
    row(tr("Dtype:"), u"torch_dtype"_s);
    row(tr("Parallel residual:"), u"parallel_residual"_s);
    row(tr("Tied embeddings:"), u"tied_embeddings"_s);
    row(tr("Layer container:"), u"layer_container"_s);
    const QJsonArray warnings = m_arch.value(u"warnings"_s).toArray();
    if (!warnings.isEmpty()) {
        QStringList w;
        for (const QJsonValue &v : warnings)
            w << v.toString();
        auto *l = new QLabel(w.join(u'\n'), summary);
        l->setWordWrap(true);
        form->addRow(tr("Warnings:"), l);
    }
    tabs->addTab(summary, tr("Summary"));

    m_tree = new QTreeWidget(tabs);
    m_tree->setObjectName(u"layerTree"_s);
    // The module's kind has a column of its own: it is no dtype.
    m_tree->setHeaderLabels({tr("Name"), tr("Kind"), tr("Shape"), tr("Dtype"), tr("Parameters")});
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setStretchLastSection(false);
    buildTree();
    tabs->addTab(m_tree, tr("Layers"));

    m_hooks = new QTableWidget(0, 6, tabs);
    m_hooks->setObjectName(u"hookTable"_s);
    m_hooks->setHorizontalHeaderLabels({tr("Hook point"), tr("Layer"), tr("Kind"),
                                        tr("Module path"), tr("TransformerLens name"),
                                        tr("Width")});
    m_hooks->verticalHeader()->hide();
    m_hooks->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_hooks->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_hooks->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_hooks->horizontalHeader()->setStretchLastSection(true);
    m_hooks->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    buildHooks();
    tabs->addTab(m_hooks, tr("Hook points (%1)").arg(m_hooks->rowCount()));

    // Our own button texts: Qt's standard ones stay English where Qt's translations are not
    // installed.
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(tr("Close"), QDialogButtonBox::RejectRole)
        ->setObjectName(u"architectureClose"_s);
    QPushButton *copy = buttons->addButton(tr("&Copy JSON"), QDialogButtonBox::ActionRole);
    copy->setObjectName(u"copyArchitecture"_s);
    copy->setIcon(icon(u"copy"_s));
    QPushButton *exportButton =
        buttons->addButton(tr("&Export JSON…"), QDialogButtonBox::ActionRole);
    exportButton->setObjectName(u"exportArchitecture"_s);
    exportButton->setIcon(icon(u"export"_s));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(copy, &QPushButton::clicked, this, &ArchitectureDialog::copyToClipboard);
    connect(exportButton, &QPushButton::clicked, this, [this] {
        auto *dlg =
            new QFileDialog(this, tr("Export architecture"),
                            QString(m_repoId).replace(u'/', u"--"_s) + u"-architecture.json"_s,
                            tr("JSON files (*.json)"));
        dlg->setAcceptMode(QFileDialog::AcceptSave);
        dlg->setDefaultSuffix(u"json"_s);
        dlg->setAttribute(Qt::WA_DeleteOnClose);
        connect(dlg, &QFileDialog::fileSelected, this, &ArchitectureDialog::exportTo);
        dlg->open();
    });

    auto *layout = new QVBoxLayout(this);
    auto *title = new QLabel(u"<h2>%1</h2>"_s.arg(repoId.toHtmlEscaped()), this);
    layout->addWidget(title);
    layout->addWidget(tabs, 1);
    layout->addWidget(buttons);
    resize(960, 620);
}

ArchitectureDialog::~ArchitectureDialog() = default;

void ArchitectureDialog::buildTree()
{
    // The tree may sit under "layer_tree" or be merged into the architecture object.
    const QJsonObject tree =
        m_arch.contains(u"layer_tree"_s) ? m_arch.value(u"layer_tree"_s).toObject() : m_arch;
    auto addModule = [this](QTreeWidgetItem *parent, const QJsonObject &m) {
        auto *item = new QTreeWidgetItem(
            parent, {m.value(u"path"_s).toString(), roleText(m.value(u"role"_s).toString()),
                     QString(), QString(), paramsText(m.value(u"params"_s))});
        item->setTextAlignment(4, Qt::AlignRight | Qt::AlignVCenter);
        for (const QJsonValue &tv : m.value(u"tensors"_s).toArray()) {
            const QJsonObject t = tv.toObject();
            auto *ti = new QTreeWidgetItem(
                item, {t.value(u"name"_s).toString(), tr("tensor"), shapeText(t.value(u"shape"_s)),
                       t.value(u"dtype"_s).toString(), paramsText(t.value(u"params"_s))});
            ti->setTextAlignment(4, Qt::AlignRight | Qt::AlignVCenter);
        }
        return item;
    };
    QList<QTreeWidgetItem *> top;
    const QJsonArray topLevel = tree.value(u"top_level"_s).toArray();
    const QJsonArray blocks = tree.value(u"blocks"_s).toArray();
    auto *root =
        new QTreeWidgetItem({tr("Top-level modules"), QString(), QString(), QString(), QString()});
    for (const QJsonValue &m : topLevel)
        addModule(root, m.toObject());
    for (const QJsonValue &bv : blocks) {
        const QJsonObject b = bv.toObject();
        auto *item = new QTreeWidgetItem({tr("Block %1  (%2)")
                                              .arg(b.value(u"index"_s).toInt())
                                              .arg(b.value(u"path"_s).toString()),
                                          tr("block"), QString(), QString(),
                                          paramsText(b.value(u"params"_s))});
        item->setTextAlignment(4, Qt::AlignRight | Qt::AlignVCenter);
        for (const QJsonValue &m : b.value(u"modules"_s).toArray())
            addModule(item, m.toObject());
        top << item;
    }
    if (root->childCount() > 0)
        top.prepend(root);
    else
        delete root;
    m_tree->addTopLevelItems(top);
    if (!top.isEmpty())
        top.first()->setExpanded(true);
    // Collapsed rows are not measured by resizeColumnToContents: size from the data instead.
    const QFontMetrics fm = m_tree->fontMetrics();
    int widths[] = {0, fm.horizontalAdvance(tr("Kind")), fm.horizontalAdvance(tr("Shape")),
                    fm.horizontalAdvance(tr("Dtype")), fm.horizontalAdvance(tr("Parameters"))};
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it)
        for (int c = 1; c < 4; ++c)
            widths[c] = std::max(widths[c], fm.horizontalAdvance((*it)->text(c)));
    widths[4] =
        std::max(widths[4], fm.horizontalAdvance(QLocale().toString(qint64(1'000'000'000'000))));
    for (int c = 1; c < 5; ++c)
        m_tree->setColumnWidth(c, widths[c] + 24);
}

void ArchitectureDialog::buildHooks()
{
    const QJsonArray details = m_arch.value(u"hook_point_details"_s).toArray();
    if (!details.isEmpty()) {
        for (const QJsonValue &hv : details) {
            const QJsonObject h = hv.toObject();
            const int row = m_hooks->rowCount();
            m_hooks->insertRow(row);
            const QString io = h.value(u"io"_s).toString();
            const QString module =
                h.value(u"module"_s).toString() +
                (io.isEmpty() ? QString() : (io == u"input"_s ? tr(" (input)") : tr(" (output)")));
            const QString cells[] = {h.value(u"name"_s).toString(),
                                     QString::number(h.value(u"layer"_s).toInt()),
                                     h.value(u"kind"_s).toString(),
                                     module,
                                     h.value(u"transformer_lens"_s).toString(),
                                     paramsText(h.value(u"width"_s))};
            for (int c = 0; c < 6; ++c)
                m_hooks->setItem(row, c, new QTableWidgetItem(cells[c]));
        }
        return;
    }
    // The base `hook_points`: a plain list of names.
    for (const QJsonValue &n : m_arch.value(u"hook_points"_s).toArray()) {
        const int row = m_hooks->rowCount();
        m_hooks->insertRow(row);
        m_hooks->setItem(row, 0, new QTableWidgetItem(n.toString()));
    }
}

void ArchitectureDialog::copyToClipboard()
{
    QGuiApplication::clipboard()->setText(
        QString::fromUtf8(QJsonDocument(m_arch).toJson(QJsonDocument::Indented)));
}

void ArchitectureDialog::exportTo(const QString &path)
{
    const QByteArray json = QJsonDocument(m_arch).toJson(QJsonDocument::Indented);
    QtConcurrent::run([path, json]() -> QString {
        QSaveFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(json) != json.size() || !f.commit())
            return f.errorString();
        return {};
    }).then(this, [this, path](const QString &error) { Q_EMIT exported(path, error); });
}

} // namespace mistudio::ui
