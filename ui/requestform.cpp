#include "requestform.h"

#include "steptables.h"

#include <QBoxLayout>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTabWidget>

namespace Loadwizard::Ui {

using Steps::RequestStep;

namespace {

/// The model's JSON type: an object keeps its keys in the order the user wrote them.
using Json = std::decay_t<decltype(*RequestStep().json)>;

void setText(QLineEdit *edit, const std::string &value)
{
    const QString text = QString::fromStdString(value);
    if (edit->text() != text)
        edit->setText(text);
}

int bodyKindOf(const RequestStep &request)
{
    if (request.json)
        return RequestForm::JsonBody;
    if (request.body)
        return RequestForm::TextBody;
    if (!request.form.empty() || !request.files.empty())
        return RequestForm::FormBody;
    return RequestForm::NoBody;
}

} // namespace

RequestForm::RequestForm(Edit edit, QWidget *parent)
    : QWidget(parent)
    , m_edit(std::move(edit))
    , m_method(new QComboBox(this))
    , m_url(new QLineEdit(this))
    , m_name(new QLineEdit(this))
    , m_tabs(new QTabWidget(this))
    , m_headers(new StepTable({tr("Header"), tr("Value")}, this))
    , m_query(new StepTable({tr("Parameter"), tr("Value")}, this))
    , m_bodyKind(new QComboBox(this))
    , m_bodyStack(new QStackedWidget(this))
    , m_bodyText(new QPlainTextEdit(this))
    , m_bodyError(new QLabel(this))
    , m_form(new StepTable({tr("Field"), tr("Value")}, this))
    , m_checks(
          new StepTable({tr("Kind"), tr("Target"), tr("Operator"), tr("Value"), tr("Name")}, this))
    , m_extractions(new StepTable(
          {tr("Variable"), tr("Source"), tr("Expression"), tr("Right / group"), tr("Default")},
          this))
    , m_timeout(new QDoubleSpinBox(this))
    , m_redirects(new QComboBox(this))
    , m_expectMin(new QSpinBox(this))
    , m_expectMax(new QSpinBox(this))
    , m_endOnFailure(
          new QCheckBox(tr("End the &iteration when the request or a check fails"), this))
{
    m_method->setObjectName(QStringLiteral("method"));
    m_url->setObjectName(QStringLiteral("url"));
    m_name->setObjectName(QStringLiteral("requestName"));
    m_headers->setObjectName(QStringLiteral("headers"));
    m_query->setObjectName(QStringLiteral("query"));
    m_bodyKind->setObjectName(QStringLiteral("bodyKind"));
    m_bodyText->setObjectName(QStringLiteral("bodyText"));
    m_form->setObjectName(QStringLiteral("form"));
    m_checks->setObjectName(QStringLiteral("checks"));
    m_extractions->setObjectName(QStringLiteral("extractions"));
    m_timeout->setObjectName(QStringLiteral("timeout"));
    m_redirects->setObjectName(QStringLiteral("followRedirects"));
    m_expectMin->setObjectName(QStringLiteral("expectMin"));
    m_expectMax->setObjectName(QStringLiteral("expectMax"));
    m_endOnFailure->setObjectName(QStringLiteral("endIterationOnFailure"));

    m_method->setEditable(true);
    m_method->addItems({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"});
    m_url->setPlaceholderText(tr("/path or http://host/path; ${variables} allowed"));
    m_name->setPlaceholderText(tr("metrics name (default: METHOD /path)"));
    m_bodyKind->addItems({tr("No body"), tr("Text"), tr("JSON"), tr("Form")});
    m_bodyText->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_bodyError->setStyleSheet(QStringLiteral("color: #d64541"));
    m_bodyError->setWordWrap(true);
    m_checks->setChoices(0, checkKinds());
    m_checks->setChoices(2, checkOperators());
    m_extractions->setChoices(1, extractionSources());
    m_timeout->setRange(0, 86400);
    m_timeout->setDecimals(3);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setSpecialValueText(tr("project default"));
    m_redirects->addItems({tr("default (follow)"), tr("follow"), tr("do not follow")});
    for (QSpinBox *spin : {m_expectMin, m_expectMax}) {
        spin->setRange(0, 999);
        spin->setSpecialValueText(tr("default"));
    }

    auto *line = new QHBoxLayout;
    line->addWidget(m_method);
    line->addWidget(m_url, 1);
    auto *top = new QFormLayout;
    auto *requestLabel = new QLabel(tr("&Request:"), this);
    requestLabel->setBuddy(m_url);
    top->addRow(requestLabel, line);
    top->addRow(tr("&Name:"), m_name);

    auto *none = new QLabel(tr("This request sends no body."), this);
    none->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto *textPage = new QWidget(this);
    auto *textLayout = new QVBoxLayout(textPage);
    textLayout->setContentsMargins(0, 0, 0, 0);
    textLayout->addWidget(m_bodyText, 1);
    textLayout->addWidget(m_bodyError);
    m_bodyStack->addWidget(none);
    m_bodyStack->addWidget(textPage);
    m_bodyStack->addWidget(m_form);
    auto *body = new QWidget(this);
    auto *bodyLayout = new QVBoxLayout(body);
    bodyLayout->addWidget(m_bodyKind, 0, Qt::AlignLeft);
    bodyLayout->addWidget(m_bodyStack, 1);

    auto *options = new QWidget(this);
    auto *optionsLayout = new QFormLayout(options);
    auto *expect = new QHBoxLayout;
    expect->addWidget(m_expectMin);
    expect->addWidget(new QLabel(tr("to"), this));
    expect->addWidget(m_expectMax);
    expect->addStretch();
    optionsLayout->addRow(tr("&Timeout:"), m_timeout);
    optionsLayout->addRow(tr("&Redirects:"), m_redirects);
    optionsLayout->addRow(tr("&Expected status:"), expect);
    optionsLayout->addRow(QString(), m_endOnFailure);

    m_tabs->addTab(m_checks, tr("Checks"));
    m_tabs->addTab(m_extractions, tr("Extract"));
    m_tabs->addTab(m_headers, tr("Headers"));
    m_tabs->addTab(m_query, tr("Query"));
    m_tabs->addTab(body, tr("Body"));
    m_tabs->addTab(options, tr("Options"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_tabs, 1);

    auto change = [this](const QString &field, const QString &text, auto apply) {
        if (!m_showing)
            m_edit(field, text, apply);
    };
    connect(m_method, &QComboBox::currentTextChanged, this, [=, this](const QString &method) {
        change("method", tr("Change method"),
               [method](RequestStep &r) { r.method = method.trimmed().toUpper().toStdString(); });
    });
    connect(m_url, &QLineEdit::textEdited, this, [=, this](const QString &url) {
        change("url", tr("Edit URL"), [url](RequestStep &r) { r.url = url.toStdString(); });
    });
    connect(m_name, &QLineEdit::textEdited, this, [=, this](const QString &name) {
        change("name", tr("Edit request name"),
               [name](RequestStep &r) { r.name = name.toStdString(); });
    });
    auto table = [=, this](StepTable *widget, const QString &field, const QString &text,
                           std::function<void(RequestStep &, const QList<QStringList> &)> apply) {
        connect(widget, &StepTable::changed, this, [=, this] {
            const auto rows = widget->rows();
            change(field, text, [=](RequestStep &r) { apply(r, rows); });
        });
    };
    table(m_headers, "headers", tr("Edit headers"),
          [](RequestStep &r, const auto &rows) { r.headers = pairsFromRows(rows); });
    table(m_query, "query", tr("Edit query"),
          [](RequestStep &r, const auto &rows) { r.query = pairsFromRows(rows); });
    table(m_form, "form", tr("Edit form"),
          [](RequestStep &r, const auto &rows) { r.form = pairsFromRows(rows); });
    table(m_checks, "checks", tr("Edit checks"),
          [](RequestStep &r, const auto &rows) { r.checks = checksFromRows(rows); });
    table(m_extractions, "extract", tr("Edit extractions"),
          [](RequestStep &r, const auto &rows) { r.extractions = extractionsFromRows(rows); });
    connect(m_bodyKind, &QComboBox::currentIndexChanged, this, &RequestForm::setBodyKind);
    connect(m_bodyText, &QPlainTextEdit::textChanged, this, &RequestForm::applyBodyText);
    connect(m_timeout, &QDoubleSpinBox::valueChanged, this, [=, this](double seconds) {
        change("timeout", tr("Change timeout"),
               [seconds](RequestStep &r) { r.timeoutSeconds = seconds; });
    });
    connect(m_redirects, &QComboBox::currentIndexChanged, this, [=, this](int choice) {
        change("redirects", tr("Change redirects"), [choice](RequestStep &r) {
            r.followRedirects = choice == 0 ? std::nullopt : std::optional<bool>(choice == 1);
        });
    });
    connect(m_expectMin, &QSpinBox::valueChanged, this, [=, this](int status) {
        change("expectMin", tr("Change expected status"), [status](RequestStep &r) {
            r.expectMin = status;
            if (r.expectMax < status)
                r.expectMax = status;
        });
    });
    connect(m_endOnFailure, &QCheckBox::toggled, this, [=, this](bool on) {
        change("endOnFailure", tr("Change on failure"),
               [on](RequestStep &r) { r.endIterationOnFailure = on; });
    });
    connect(m_expectMax, &QSpinBox::valueChanged, this, [=, this](int status) {
        change("expectMax", tr("Change expected status"),
               [status](RequestStep &r) { r.expectMax = status; });
    });
}

void RequestForm::setBodyKind(int kind)
{
    m_bodyStack->setCurrentIndex(kind == FormBody ? 2 : kind == NoBody ? 0 : 1);
    if (m_showing)
        return;
    const std::string text = m_bodyText->toPlainText().toStdString();
    m_edit("bodyKind", tr("Change body"), [kind, text](RequestStep &r) {
        r.body.reset();
        r.json.reset();
        if (kind != FormBody) {
            r.form.clear();
            r.files.clear();
        }
        if (kind == TextBody)
            r.body = text;
        if (kind == JsonBody)
            r.json = Json::accept(text) ? Json::parse(text) : Json::object();
    });
}

void RequestForm::applyBodyText()
{
    if (m_showing)
        return;
    const std::string text = m_bodyText->toPlainText().toStdString();
    if (m_bodyKind->currentIndex() == TextBody) {
        m_edit("body", tr("Edit body"), [text](RequestStep &r) { r.body = text; });
        return;
    }
    if (m_bodyKind->currentIndex() != JsonBody)
        return;
    try {
        auto json = Json::parse(text);
        m_bodyError->clear();
        m_edit("body", tr("Edit JSON body"), [json](RequestStep &r) { r.json = json; });
    } catch (const Json::parse_error &e) {
        // Kept in the editor, not in the step, until it parses.
        m_bodyError->setText(tr("Not JSON yet: %1").arg(QString::fromUtf8(e.what())));
    }
}

void RequestForm::show(const RequestStep &request)
{
    m_showing = true;
    if (m_method->currentText() != QString::fromStdString(request.method))
        m_method->setCurrentText(QString::fromStdString(request.method));
    setText(m_url, request.url);
    setText(m_name, request.name);
    m_headers->setRows(pairRows(request.headers));
    m_query->setRows(pairRows(request.query));
    m_form->setRows(pairRows(request.form));
    m_checks->setRows(checkRows(request.checks));
    m_extractions->setRows(extractionRows(request.extractions));
    const int kind = bodyKindOf(request);
    m_bodyKind->setCurrentIndex(kind);
    m_bodyStack->setCurrentIndex(kind == FormBody ? 2 : kind == NoBody ? 0 : 1);
    const std::string shown = m_bodyText->toPlainText().toStdString();
    if (kind == TextBody && shown != *request.body) {
        m_bodyText->setPlainText(QString::fromStdString(*request.body));
    } else if (kind == JsonBody && (!Json::accept(shown) || Json::parse(shown) != *request.json)) {
        m_bodyText->setPlainText(QString::fromStdString(request.json->dump(2)));
        m_bodyError->clear();
    }
    if (m_timeout->value() != request.timeoutSeconds)
        m_timeout->setValue(request.timeoutSeconds);
    m_redirects->setCurrentIndex(!request.followRedirects ? 0 : *request.followRedirects ? 1 : 2);
    m_expectMin->setValue(request.expectMin);
    m_expectMax->setValue(request.expectMax);
    m_endOnFailure->setChecked(request.endIterationOnFailure);
    m_showing = false;
}

} // namespace Loadwizard::Ui
