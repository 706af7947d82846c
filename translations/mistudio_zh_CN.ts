<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>ErrorText</name>
        <message>
            <source>Invalid input: %1</source>
            <translation>输入无效：%1</translation>
        </message>
        <message>
            <source>This model is no longer in the catalogue.</source>
            <translation>此模型已不在目录中。</translation>
        </message>
        <message>
            <source>Not possible in the model's current state (%1).</source>
            <translation>在模型的当前状态下无法执行（%1）。</translation>
        </message>
        <message>
            <source>Cancelled.</source>
            <translation>已取消。</translation>
        </message>
        <message>
            <source>Could not read or write a file: %1</source>
            <translation>无法读取或写入文件：%1</translation>
        </message>
        <message>
            <source>Permission denied: %1</source>
            <translation>权限被拒绝：%1</translation>
        </message>
        <message>
            <source>The disk is full.</source>
            <translation>磁盘已满。</translation>
        </message>
        <message>
            <source>Not enough disk space: %1 needed, %2 available.</source>
            <translation>磁盘空间不足：需要 %1，可用 %2。</translation>
        </message>
        <message>
            <source>Not enough disk space for this model.</source>
            <translation>磁盘空间不足以容纳此模型。</translation>
        </message>
        <message>
            <source>The catalogue database reported an error: %1</source>
            <translation>目录数据库报告错误：%1</translation>
        </message>
        <message>
            <source>This repository does not exist on the Hub (or it is private).</source>
            <translation>Hub 上不存在此仓库（或它是私有的）。</translation>
        </message>
        <message>
            <source>The repository %1 does not exist on the Hub (or it is private).</source>
            <translation>Hub 上不存在仓库 %1（或它是私有的）。</translation>
        </message>
        <message>
            <source>This revision does not exist in the repository.</source>
            <translation>仓库中不存在此修订版本。</translation>
        </message>
        <message>
            <source>The revision "%1" does not exist in the repository.</source>
            <translation>仓库中不存在修订版本“%1”。</translation>
        </message>
        <message>
            <source>A file of this model does not exist at this revision.</source>
            <translation>此模型的某个文件在该修订版本中不存在。</translation>
        </message>
        <message>
            <source>This model is gated. Accept its conditions on its Hugging Face page, then enter an access token (huggingface.co/settings/tokens) with read access.</source>
            <translation>此模型受访问限制。请先在其 Hugging Face 页面上接受使用条件，然后输入具有读取权限的访问令牌（huggingface.co/settings/tokens）。</translation>
        </message>
        <message>
            <source>Your account has not been granted access to this gated model yet. Request access on its Hugging Face page and try again once it is approved.</source>
            <translation>您的账户尚未获得此受限模型的访问权限。请在其 Hugging Face 页面上申请访问，获批后再试。</translation>
        </message>
        <message>
            <source>The Hugging Face token was rejected. Check it or create a new one.</source>
            <translation>Hugging Face 令牌被拒绝。请检查它或创建一个新令牌。</translation>
        </message>
        <message>
            <source>This repository has been disabled on the Hub.</source>
            <translation>此仓库已在 Hub 上被禁用。</translation>
        </message>
        <message>
            <source>The Hub is rate limiting requests. Try again in a moment.</source>
            <translation>Hub 正在限制请求频率。请稍后再试。</translation>
        </message>
        <message>
            <source>The Hub had a server error. Try again later.</source>
            <translation>Hub 发生服务器错误。请稍后再试。</translation>
        </message>
        <message>
            <source>The Hub did not answer in time.</source>
            <translation>Hub 未能及时响应。</translation>
        </message>
        <message>
            <source>Could not reach the Hub: %1</source>
            <translation>无法连接到 Hub：%1</translation>
        </message>
        <message>
            <source>You are offline (or offline mode is on): the Hub cannot be reached.</source>
            <translation>您处于离线状态（或已开启离线模式）：无法连接 Hub。</translation>
        </message>
        <message>
            <source>The Hub sent a response that could not be understood.</source>
            <translation>Hub 返回了无法解析的响应。</translation>
        </message>
        <message>
            <source>A downloaded file did not match its checksum.</source>
            <translation>某个已下载文件的校验和不匹配。</translation>
        </message>
        <message>
            <source>A downloaded file has the wrong size.</source>
            <translation>某个已下载文件的大小不正确。</translation>
        </message>
        <message>
            <source>Quantization failed: %1</source>
            <translation>量化失败：%1</translation>
        </message>
        <message>
            <source>No usable GPU for quantization.</source>
            <translation>没有可用于量化的 GPU。</translation>
        </message>
        <message>
            <source>Out of memory.</source>
            <translation>内存不足。</translation>
        </message>
        <message>
            <source>The model catalogue could not be opened, so miStudio Models cannot start.

%1

Check the data directory and database settings (or the --data-dir and --database-url options).</source>
            <translation>无法打开模型目录，因此 miStudio Models 无法启动。

%1

请检查数据目录和数据库设置（或 --data-dir 与 --database-url 选项）。</translation>
        </message>
        <message>
            <source>Enter a Hugging Face token with access in the form above (or in Settings), then press Retry.</source>
            <translation>请在上方表单（或设置）中输入有访问权限的 Hugging Face 令牌，然后点击“重试”。</translation>
        </message>
        <message>
            <source>Request access on the model's Hugging Face page; press Retry once it is approved.</source>
            <translation>请在模型的 Hugging Face 页面上申请访问；获批后点击“重试”。</translation>
        </message>
        <message>
            <source>Free some disk space (or choose another data directory in Settings), then press Retry: the files already downloaded are kept.</source>
            <translation>请释放一些磁盘空间（或在设置中选择其他数据目录），然后点击“重试”：已下载的文件会保留。</translation>
        </message>
        <message>
            <source>Check the connection and press Retry: finished files are not fetched again.</source>
            <translation>请检查网络连接后点击“重试”：已完成的文件不会重新获取。</translation>
        </message>
        <message>
            <source>Turn offline mode off (HF_HUB_OFFLINE) or connect, then press Retry.</source>
            <translation>请关闭离线模式（HF_HUB_OFFLINE）或连接网络，然后点击“重试”。</translation>
        </message>
        <message>
            <source>Press Retry: the damaged file is fetched again and verified.</source>
            <translation>请点击“重试”：损坏的文件会重新获取并校验。</translation>
        </message>
        <message>
            <source>Check the repo id and revision on the Hub; delete this entry if it is wrong.</source>
            <translation>请在 Hub 上检查仓库 ID 和修订版本；如有错误请删除此条目。</translation>
        </message>
        <message>
            <source>The original files are intact: use Re-quantize to try another variant or the CPU.</source>
            <translation>原始文件完好无损：可使用“重新量化”尝试其他变体或改用 CPU。</translation>
        </message>
        <message>
            <source>Check that the data directory is writable, then press Retry.</source>
            <translation>请确认数据目录可写，然后点击“重试”。</translation>
        </message>
        <message>
            <source>%1 is already in your models and ready. To get another quantized variant, select it and use Re-quantize.</source>
            <translation>%1 已在您的模型中并已就绪。如需其他量化变体，请选中它并使用“重新量化”。</translation>
        </message>
        <message>
            <source>%1 is already being downloaded.</source>
            <translation>%1 已在下载中。</translation>
        </message>
    </context>
    <context>
        <name>Format</name>
        <message>
            <source>%1 %</source>
            <translation>%1%</translation>
        </message>
        <message numerus="yes">
            <source>%n s left</source>
            <translation>
                <numerusform>剩余 %n 秒</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n min left</source>
            <translation>
                <numerusform>剩余 %n 分钟</numerusform>
            </translation>
        </message>
        <message>
            <source>%1 h %2 min left</source>
            <translation>剩余 %1 小时 %2 分钟</translation>
        </message>
        <message numerus="yes">
            <source>%n s ago</source>
            <translation>
                <numerusform>%n 秒前</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n min ago</source>
            <translation>
                <numerusform>%n 分钟前</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n h ago</source>
            <translation>
                <numerusform>%n 小时前</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Questions</name>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>Cancel the job of %1?</source>
            <translation>取消 %1 的任务？</translation>
        </message>
        <message>
            <source>Cancel these %1 jobs?</source>
            <translation>取消这 %1 个任务？</translation>
        </message>
        <message>
            <source>The partly written variant is deleted; the downloaded files stay.</source>
            <translation>写了一部分的变体会被删除；已下载的文件保留。</translation>
        </message>
        <message>
            <source>The %1 downloaded so far will be deleted. Pause keeps them for later.</source>
            <translation>目前已下载的 %1 将被删除。暂停则会保留，以便稍后继续。</translation>
        </message>
        <message>
            <source>Its partial data will be deleted. Pause keeps it for later.</source>
            <translation>其部分数据将被删除。暂停则会保留，以便稍后继续。</translation>
        </message>
        <message>
            <source>Cancel and delete</source>
            <translation>取消并删除</translation>
        </message>
        <message>
            <source>Pause instead</source>
            <translation>改为暂停</translation>
        </message>
        <message>
            <source>Keep going</source>
            <translation>继续运行</translation>
        </message>
        <message>
            <source>Delete models</source>
            <translation>删除模型</translation>
        </message>
        <message>
            <source>Delete %1 and its files?</source>
            <translation>删除 %1 及其文件？</translation>
        </message>
        <message>
            <source>Delete these %1 models and their files?</source>
            <translation>删除这 %1 个模型及其文件？</translation>
        </message>
        <message>
            <source>and %1 more</source>
            <translation>以及另外 %1 个</translation>
        </message>
        <message>
            <source>This frees %1 on disk. Running downloads are cancelled first.</source>
            <translation>这将释放 %1 磁盘空间。正在进行的下载会先被取消。</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>删除</translation>
        </message>
        <message>
            <source>Quit miStudio Models</source>
            <translation>退出 miStudio Models</translation>
        </message>
        <message>
            <source>Quitting stops them now; they continue where they stopped the next time miStudio Models starts.</source>
            <translation>退出会立即停止它们；下次启动 miStudio Models 时会从停止处继续。</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>退出</translation>
        </message>
        <message>
            <source>Keep running in the tray</source>
            <translation>在系统托盘中继续运行</translation>
        </message>
        <message>
            <source>Delete variant</source>
            <translation>删除变体</translation>
        </message>
        <message>
            <source>Delete the %1 variant of %2?</source>
            <translation>删除 %2 的 %1 变体？</translation>
        </message>
        <message>
            <source>This frees %1 on disk. The downloaded files and the other variants stay.</source>
            <translation>这将释放 %1 磁盘空间。已下载的文件和其他变体会保留。</translation>
        </message>
    </context>
    <context>
        <name>RowStateText</name>
        <message>
            <source>Not downloaded</source>
            <translation>未下载</translation>
        </message>
        <message>
            <source>Queued</source>
            <translation>排队中</translation>
        </message>
        <message>
            <source>Downloading</source>
            <translation>下载中</translation>
        </message>
        <message>
            <source>Quantizing</source>
            <translation>量化中</translation>
        </message>
        <message>
            <source>Stopping…</source>
            <translation>正在停止…</translation>
        </message>
        <message>
            <source>Paused</source>
            <translation>已暂停</translation>
        </message>
        <message>
            <source>Needs a token</source>
            <translation>需要令牌</translation>
        </message>
        <message>
            <source>Ready</source>
            <translation>就绪</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>失败</translation>
        </message>
        <message>
            <source>All</source>
            <translation>全部</translation>
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <source>from the command line (%1)</source>
            <translation>来自命令行（%1）</translation>
        </message>
        <message>
            <source>from the environment (%1)</source>
            <translation>来自环境变量（%1）</translation>
        </message>
        <message>
            <source>from the settings file (%1)</source>
            <translation>来自设置文件（%1）</translation>
        </message>
        <message>
            <source>built-in default</source>
            <translation>内置默认值</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::ArchitectureDialog</name>
        <message>
            <source>Architecture of %1</source>
            <translation>%1 的架构</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>是</translation>
        </message>
        <message>
            <source>no</source>
            <translation>否</translation>
        </message>
        <message>
            <source>Model type:</source>
            <translation>模型类型：</translation>
        </message>
        <message>
            <source>Family rules:</source>
            <translation>系列规则：</translation>
        </message>
        <message>
            <source>Detection:</source>
            <translation>识别方式：</translation>
        </message>
        <message>
            <source>Total parameters:</source>
            <translation>参数总数：</translation>
        </message>
        <message>
            <source>Hidden size:</source>
            <translation>隐藏层维度：</translation>
        </message>
        <message>
            <source>Intermediate size:</source>
            <translation>中间层维度：</translation>
        </message>
        <message>
            <source>Layers:</source>
            <translation>层数：</translation>
        </message>
        <message>
            <source>Attention heads:</source>
            <translation>注意力头数：</translation>
        </message>
        <message>
            <source>Key/value heads:</source>
            <translation>键/值头数：</translation>
        </message>
        <message>
            <source>Vocabulary:</source>
            <translation>词表大小：</translation>
        </message>
        <message>
            <source>Context length:</source>
            <translation>上下文长度：</translation>
        </message>
        <message>
            <source>Dtype:</source>
            <translation>数据类型：</translation>
        </message>
        <message>
            <source>Parallel residual:</source>
            <translation>并行残差：</translation>
        </message>
        <message>
            <source>Tied embeddings:</source>
            <translation>共享嵌入：</translation>
        </message>
        <message>
            <source>Layer container:</source>
            <translation>层容器：</translation>
        </message>
        <message>
            <source>Warnings:</source>
            <translation>警告：</translation>
        </message>
        <message>
            <source>Summary</source>
            <translation>概要</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Shape</source>
            <translation>形状</translation>
        </message>
        <message>
            <source>Dtype</source>
            <translation>数据类型</translation>
        </message>
        <message>
            <source>Parameters</source>
            <translation>参数</translation>
        </message>
        <message>
            <source>Layers</source>
            <translation>层</translation>
        </message>
        <message>
            <source>Hook point</source>
            <translation>钩子点</translation>
        </message>
        <message>
            <source>Layer</source>
            <translation>层</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Module path</source>
            <translation>模块路径</translation>
        </message>
        <message>
            <source>TransformerLens name</source>
            <translation>TransformerLens 名称</translation>
        </message>
        <message>
            <source>Width</source>
            <translation>宽度</translation>
        </message>
        <message>
            <source>Hook points (%1)</source>
            <translation>钩子点（%1）</translation>
        </message>
        <message>
            <source>&amp;Copy JSON</source>
            <translation>复制 JSON(&amp;C)</translation>
        </message>
        <message>
            <source>&amp;Export JSON…</source>
            <translation>导出 JSON(&amp;E)…</translation>
        </message>
        <message>
            <source>Export architecture</source>
            <translation>导出架构</translation>
        </message>
        <message>
            <source>JSON files (*.json)</source>
            <translation>JSON 文件 (*.json)</translation>
        </message>
        <message>
            <source>Top-level modules</source>
            <translation>顶层模块</translation>
        </message>
        <message>
            <source>Block %1  (%2)</source>
            <translation>块 %1（%2）</translation>
        </message>
        <message>
            <source> (input)</source>
            <translation>（输入）</translation>
        </message>
        <message>
            <source> (output)</source>
            <translation>（输出）</translation>
        </message>
        <message>
            <source>attention</source>
            <translation>注意力</translation>
        </message>
        <message>
            <source>MLP</source>
            <translation>MLP</translation>
        </message>
        <message>
            <source>normalization</source>
            <translation>归一化</translation>
        </message>
        <message>
            <source>embedding</source>
            <translation>嵌入</translation>
        </message>
        <message>
            <source>output head</source>
            <translation>输出头</translation>
        </message>
        <message>
            <source>other</source>
            <translation>其他</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>tensor</source>
            <translation>张量</translation>
        </message>
        <message>
            <source>block</source>
            <translation>块</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::DetailsPane</name>
        <message>
            <source>waiting</source>
            <translation>等待中</translation>
        </message>
        <message>
            <source>downloading</source>
            <translation>下载中</translation>
        </message>
        <message>
            <source>retrying</source>
            <translation>重试中</translation>
        </message>
        <message>
            <source>retrying (%1)</source>
            <translation>重试中（%1）</translation>
        </message>
        <message>
            <source>verifying checksum</source>
            <translation>正在校验</translation>
        </message>
        <message>
            <source>verified</source>
            <translation>已校验</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>失败</translation>
        </message>
        <message>
            <source>paused</source>
            <translation>已暂停</translation>
        </message>
        <message>
            <source>Select a model to see its details.</source>
            <translation>选择一个模型以查看其详细信息。</translation>
        </message>
        <message>
            <source>Retry</source>
            <translation>重试</translation>
        </message>
        <message>
            <source>Repo id:</source>
            <translation>仓库 ID：</translation>
        </message>
        <message>
            <source>Revision:</source>
            <translation>修订版本：</translation>
        </message>
        <message>
            <source>Commit:</source>
            <translation>提交：</translation>
        </message>
        <message>
            <source>Parameters:</source>
            <translation>参数：</translation>
        </message>
        <message>
            <source>Quantization:</source>
            <translation>量化：</translation>
        </message>
        <message>
            <source>Size on disk:</source>
            <translation>磁盘占用：</translation>
        </message>
        <message>
            <source>Folder:</source>
            <translation>文件夹：</translation>
        </message>
        <message>
            <source>Added:</source>
            <translation>添加时间：</translation>
        </message>
        <message>
            <source>Updated:</source>
            <translation>更新时间：</translation>
        </message>
        <message>
            <source>Open folder</source>
            <translation>打开文件夹</translation>
        </message>
        <message>
            <source>File</source>
            <translation>文件</translation>
        </message>
        <message>
            <source>Progress</source>
            <translation>进度</translation>
        </message>
        <message>
            <source>State</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>General</source>
            <translation>常规</translation>
        </message>
        <message>
            <source>Files</source>
            <translation>文件</translation>
        </message>
        <message>
            <source>%1 (%2)</source>
            <translation>%1（%2）</translation>
        </message>
        <message>
            <source>none (original precision)</source>
            <translation>无（原始精度）</translation>
        </message>
        <message>
            <source>%1 of %2 files done.</source>
            <translation>已完成 %1 / %2 个文件。</translation>
        </message>
        <message>
            <source>Per-file progress shows here while a download runs.</source>
            <translation>下载进行时，这里会显示每个文件的进度。</translation>
        </message>
        <message>
            <source>%1 of %2 (%3)</source>
            <translation>%1 / %2（%3）</translation>
        </message>
        <message>
            <source>Newest variant:</source>
            <translation>最新变体：</translation>
        </message>
        <message>
            <source>Variant</source>
            <translation>变体</translation>
        </message>
        <message>
            <source>Size</source>
            <translation>大小</translation>
        </message>
        <message>
            <source>Quantized on</source>
            <translation>量化于</translation>
        </message>
        <message>
            <source>Folder</source>
            <translation>文件夹</translation>
        </message>
        <message>
            <source>Delete variant…</source>
            <translation>删除变体…</translation>
        </message>
        <message>
            <source>Variants</source>
            <translation>变体</translation>
        </message>
        <message>
            <source>%1 (%2 downloaded, %3 of quantized variants)</source>
            <translation>%1（已下载 %2，量化变体 %3）</translation>
        </message>
        <message>
            <source>8-bit (LLM.int8)</source>
            <translation>8 位（LLM.int8）</translation>
        </message>
        <message>
            <source>4-bit %1, double quantization</source>
            <translation>4 位 %1，双重量化</translation>
        </message>
        <message>
            <source>4-bit %1</source>
            <translation>4 位 %1</translation>
        </message>
        <message>
            <source>%1 on %2</source>
            <translation>%1，在 %2 上</translation>
        </message>
        <message>
            <source>No quantized variant yet: Re-quantize writes one from the downloaded files.</source>
            <translation>还没有量化变体：“重新量化”会用已下载的文件写出一个。</translation>
        </message>
        <message>
            <source>%1 variants, %2 in all, each in its own folder.</source>
            <translation>共 %1 个变体，合计 %2，各自位于单独的文件夹中。</translation>
        </message>
        <message>
            <source>Verification:</source>
            <translation>校验：</translation>
        </message>
        <message>
            <source>Verify files</source>
            <translation>校验文件</translation>
        </message>
        <message>
            <source>Re-hash the model's files against the hashes recorded when they arrived</source>
            <translation>重新计算模型文件的哈希，并与文件到达时记录的哈希比对</translation>
        </message>
        <message>
            <source>OK: every file matches</source>
            <translation>正常：所有文件均匹配</translation>
        </message>
        <message>
            <source>OK: every file matches (%1)</source>
            <translation>正常：所有文件均匹配（%1）</translation>
        </message>
        <message>
            <source>Never verified</source>
            <translation>从未校验</translation>
        </message>
        <message>
            <source>%1 is missing</source>
            <translation>%1 缺失</translation>
        </message>
        <message>
            <source>%1 has another size than recorded</source>
            <translation>%1 的大小与记录不符</translation>
        </message>
        <message>
            <source>%1 cannot be read</source>
            <translation>无法读取 %1</translation>
        </message>
        <message>
            <source>%1 changed on disk</source>
            <translation>%1 在磁盘上已被更改</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>失败</translation>
        </message>
        <message>
            <source>Failed: %1</source>
            <translation>失败：%1</translation>
        </message>
        <message>
            <source>(%1 of %2 files)</source>
            <translation>（%2 个文件中的 %1 个）</translation>
        </message>
        <message>
            <source>on %1</source>
            <translation>于 %1</translation>
        </message>
        <message>
            <source>Verifying…</source>
            <translation>正在校验…</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::DownloadForm</name>
        <message>
            <source>namespace/name, e.g. google/gemma-2-2b</source>
            <translation>命名空间/名称，例如 google/gemma-2-2b</translation>
        </message>
        <message>
            <source>Branch, tag or commit; the download is pinned to one commit</source>
            <translation>分支、标签或提交；下载会固定到一个提交</translation>
        </message>
        <message>
            <source>None (original precision)</source>
            <translation>无（原始精度）</translation>
        </message>
        <message>
            <source>4-bit NF4, double quant (bitsandbytes)</source>
            <translation>4 位 NF4，双重量化（bitsandbytes）</translation>
        </message>
        <message>
            <source>8-bit (bitsandbytes)</source>
            <translation>8 位（bitsandbytes）</translation>
        </message>
        <message>
            <source>Advanced</source>
            <translation>高级</translation>
        </message>
        <message>
            <source>NF4 (normal float)</source>
            <translation>NF4（正态浮点）</translation>
        </message>
        <message>
            <source>FP4</source>
            <translation>FP4</translation>
        </message>
        <message>
            <source>Double quantization</source>
            <translation>双重量化</translation>
        </message>
        <message>
            <source>4-bit type:</source>
            <translation>4 位类型：</translation>
        </message>
        <message>
            <source>hf_… (only needed for gated or private models)</source>
            <translation>hf_…（仅受限或私有模型需要）</translation>
        </message>
        <message>
            <source>Show the token</source>
            <translation>显示令牌</translation>
        </message>
        <message>
            <source>Hide the token</source>
            <translation>隐藏令牌</translation>
        </message>
        <message>
            <source>Remember</source>
            <translation>记住</translation>
        </message>
        <message>
            <source>Keep the token in the system keychain (or a private file when there is none)</source>
            <translation>将令牌保存在系统钥匙串中（没有钥匙串时保存到私有文件）</translation>
        </message>
        <message>
            <source>&amp;Preview</source>
            <translation>预览(&amp;P)</translation>
        </message>
        <message>
            <source>&amp;Download</source>
            <translation>下载(&amp;D)</translation>
        </message>
        <message>
            <source>&amp;Repo id:</source>
            <translation>仓库 ID(&amp;R)：</translation>
        </message>
        <message>
            <source>&amp;Quantization:</source>
            <translation>量化(&amp;Q)：</translation>
        </message>
        <message>
            <source>Re&amp;vision:</source>
            <translation>修订版本(&amp;V)：</translation>
        </message>
        <message>
            <source>&amp;Token:</source>
            <translation>令牌(&amp;T)：</translation>
        </message>
        <message>
            <source>Open &lt;a href="https://huggingface.co/%1"&gt;the model page&lt;/a&gt; to request access, and create a token at &lt;a href="https://huggingface.co/settings/tokens"&gt;huggingface.co/settings/tokens&lt;/a&gt;.</source>
            <translation>打开&lt;a href="https://huggingface.co/%1"&gt;模型页面&lt;/a&gt;申请访问权限，并在 &lt;a href="https://huggingface.co/settings/tokens"&gt;huggingface.co/settings/tokens&lt;/a&gt; 创建令牌。</translation>
        </message>
        <message>
            <source>no limit</source>
            <translation>不限</translation>
        </message>
        <message>
            <source>A speed limit for this download only (bytes per second, e.g. 10M), besides the global cap in Settings</source>
            <translation>仅针对此下载的速度限制（字节/秒，例如 10M），与设置中的全局上限同时生效</translation>
        </message>
        <message>
            <source>&amp;Speed limit:</source>
            <translation>速度限制(&amp;S)：</translation>
        </message>
        <message>
            <source>The speed limit must be a number of bytes per second, e.g. 10M.</source>
            <translation>速度限制必须是每秒字节数，例如 10M。</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::FilterBar</name>
        <message>
            <source>Filter by name or repo id (Ctrl+F)</source>
            <translation>按名称或仓库 ID 筛选（Ctrl+F）</translation>
        </message>
        <message>
            <source>Filter the models</source>
            <translation>筛选模型</translation>
        </message>
        <message>
            <source>Your models (%1)</source>
            <translation>您的模型（%1）</translation>
        </message>
        <message>
            <source>%1 (%2)</source>
            <translation>%1（%2）</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::HelpDialog</name>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>miStudio Models documentation</source>
            <translation>miStudio Models 文档</translation>
        </message>
        <message>
            <source>Keyboard shortcuts</source>
            <translation>键盘快捷键</translation>
        </message>
        <message>
            <source> or </source>
            <translation> 或 </translation>
        </message>
        <message>
            <source>View the architecture of the selected ready model</source>
            <translation>查看所选就绪模型的架构</translation>
        </message>
        <message>
            <source>Enter</source>
            <translation>回车键</translation>
        </message>
        <message>
            <source>Move between the form, the filter bar and the table</source>
            <translation>在表单、筛选栏和表格之间移动</translation>
        </message>
        <message>
            <source>Tab, Shift+Tab</source>
            <translation>Tab、Shift+Tab</translation>
        </message>
        <message>
            <source>In the search results: preview / download the result</source>
            <translation>在搜索结果中：预览/下载该结果</translation>
        </message>
        <message>
            <source>Enter / Ctrl+Enter</source>
            <translation>回车 / Ctrl+回车</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>操作</translation>
        </message>
        <message>
            <source>Keys</source>
            <translation>按键</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::HfImportDialog</name>
        <message>
            <source>Import from Hugging Face cache</source>
            <translation>从 Hugging Face 缓存导入</translation>
        </message>
        <message>
            <source>Repo id</source>
            <translation>仓库 ID</translation>
        </message>
        <message>
            <source>Revision</source>
            <translation>修订版本</translation>
        </message>
        <message>
            <source>Size</source>
            <translation>大小</translation>
        </message>
        <message>
            <source>Result</source>
            <translation>结果</translation>
        </message>
        <message>
            <source>&amp;Import</source>
            <translation>导入(&amp;I)</translation>
        </message>
        <message>
            <source>&amp;Scan again</source>
            <translation>重新扫描(&amp;S)</translation>
        </message>
        <message>
            <source>Looking for snapshots in the Hugging Face cache…</source>
            <translation>正在 Hugging Face 缓存中查找快照…</translation>
        </message>
        <message>
            <source>The Hugging Face cache cannot be read: %1</source>
            <translation>无法读取 Hugging Face 缓存：%1</translation>
        </message>
        <message>
            <source>%1 (%2)</source>
            <translation>%1（%2）</translation>
        </message>
        <message>
            <source>%1 in 1 file</source>
            <translation>%1，1 个文件</translation>
        </message>
        <message>
            <source>%1 in %2 files</source>
            <translation>%1，%2 个文件</translation>
        </message>
        <message>
            <source>Incomplete: %1</source>
            <translation>不完整：%1</translation>
        </message>
        <message>
            <source>Already in the catalogue</source>
            <translation>已在目录中</translation>
        </message>
        <message>
            <source>The Hugging Face cache in %1 holds no snapshots.</source>
            <translation>%1 中的 Hugging Face 缓存没有快照。</translation>
        </message>
        <message>
            <source>Snapshots in %1 (%2 importable). Imported files are hard-linked where the file system allows and verified against their hashes.</source>
            <translation>%1 中的快照（%2 个可导入）。在文件系统允许时，导入的文件以硬链接方式创建，并按其哈希校验。</translation>
        </message>
        <message>
            <source>Waiting…</source>
            <translation>等待中…</translation>
        </message>
        <message>
            <source>Importing…</source>
            <translation>正在导入…</translation>
        </message>
        <message>
            <source>Imported</source>
            <translation>已导入</translation>
        </message>
        <message>
            <source>Failed: %1</source>
            <translation>失败：%1</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::MainWindow</name>
        <message>
            <source>miStudio Models</source>
            <translation>miStudio Models</translation>
        </message>
        <message>
            <source>Add a model from the Hugging Face Hub</source>
            <translation>从 Hugging Face Hub 添加模型</translation>
        </message>
        <message>
            <source>Models</source>
            <translation>模型</translation>
        </message>
        <message>
            <source>Downloading %1…</source>
            <translation>正在下载 %1…</translation>
        </message>
        <message>
            <source>The model service could not be started; see the terminal for details.</source>
            <translation>无法启动模型服务；详情请查看终端输出。</translation>
        </message>
        <message>
            <source>Settings saved.</source>
            <translation>设置已保存。</translation>
        </message>
        <message>
            <source>Exported to %1</source>
            <translation>已导出到 %1</translation>
        </message>
        <message>
            <source>Export failed: %1</source>
            <translation>导出失败：%1</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>文件(&amp;F)</translation>
        </message>
        <message>
            <source>&amp;Settings…</source>
            <translation>设置(&amp;S)…</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>退出(&amp;Q)</translation>
        </message>
        <message>
            <source>&amp;Models</source>
            <translation>模型(&amp;M)</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>帮助(&amp;H)</translation>
        </message>
        <message>
            <source>&amp;About miStudio Models</source>
            <translation>关于 miStudio Models(&amp;A)</translation>
        </message>
        <message>
            <source>About miStudio Models</source>
            <translation>关于 miStudio Models</translation>
        </message>
        <message>
            <source>&lt;h3&gt;miStudio Models %1&lt;/h3&gt;&lt;p&gt;Preview, download and quantize Hugging Face models for interpretability work.&lt;/p&gt;&lt;p&gt;Data directory: %2&lt;/p&gt;</source>
            <translation>&lt;h3&gt;miStudio Models %1&lt;/h3&gt;&lt;p&gt;为可解释性研究预览、下载和量化 Hugging Face 模型。&lt;/p&gt;&lt;p&gt;数据目录：%2&lt;/p&gt;</translation>
        </message>
        <message>
            <source>Download finished</source>
            <translation>下载完成</translation>
        </message>
        <message>
            <source>Download failed</source>
            <translation>下载失败</translation>
        </message>
        <message>
            <source>Quantization finished</source>
            <translation>量化完成</translation>
        </message>
        <message>
            <source>Quantization failed</source>
            <translation>量化失败</translation>
        </message>
        <message>
            <source>%1 is ready.</source>
            <translation>%1 已就绪。</translation>
        </message>
        <message>
            <source>API server listening on http://%1:%2/api/v1</source>
            <translation>API 服务器正在监听 http://%1:%2/api/v1</translation>
        </message>
        <message>
            <source>The API server did not start: %1</source>
            <translation>API 服务器未能启动：%1</translation>
        </message>
        <message>
            <source>&amp;Add a model…</source>
            <translation>添加模型(&amp;A)…</translation>
        </message>
        <message>
            <source>Total download speed</source>
            <translation>总下载速度</translation>
        </message>
        <message>
            <source>Jobs running and waiting in the queue</source>
            <translation>正在运行和排队等待的任务</translation>
        </message>
        <message>
            <source>Disk space the library uses</source>
            <translation>模型库占用的磁盘空间</translation>
        </message>
        <message>
            <source>↓ %1</source>
            <translation>↓ %1</translation>
        </message>
        <message>
            <source>%1 running, %2 queued</source>
            <translation>%1 个运行中，%2 个排队</translation>
        </message>
        <message>
            <source>%1 running</source>
            <translation>%1 个运行中</translation>
        </message>
        <message>
            <source>miStudio Models — %1, %2</source>
            <translation>miStudio Models — %1，%2</translation>
        </message>
        <message>
            <source>Library: %1</source>
            <translation>模型库：%1</translation>
        </message>
        <message>
            <source>&amp;Hide window</source>
            <translation>隐藏窗口(&amp;H)</translation>
        </message>
        <message>
            <source>&amp;Show window</source>
            <translation>显示窗口(&amp;S)</translation>
        </message>
        <message>
            <source>Jobs running or queued: %1.</source>
            <translation>正在运行或排队的任务：%1。</translation>
        </message>
        <message>
            <source>&amp;Documentation</source>
            <translation>文档(&amp;D)</translation>
        </message>
        <message>
            <source>&amp;Keyboard shortcuts</source>
            <translation>键盘快捷键(&amp;K)</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1：%2</translation>
        </message>
        <message>
            <source>%1 — %2</source>
            <translation>%1 — %2</translation>
        </message>
        <message>
            <source>Imported from the Hugging Face cache: %1.</source>
            <translation>已从 Hugging Face 缓存导入：%1。</translation>
        </message>
        <message>
            <source>Imported from the Hugging Face cache: %1, failed: %2.</source>
            <translation>已从 Hugging Face 缓存导入：%1，失败：%2。</translation>
        </message>
        <message>
            <source>&amp;Import from Hugging Face cache…</source>
            <translation>从 Hugging Face 缓存导入(&amp;I)…</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <source>&amp;Workers…</source>
            <translation>工作进程(&amp;W)…</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::ModelTableModel</name>
        <message>
            <source>4-bit (bnb)</source>
            <translation>4 位（bnb）</translation>
        </message>
        <message>
            <source>8-bit (bnb)</source>
            <translation>8 位（bnb）</translation>
        </message>
        <message>
            <source>None</source>
            <translation>无</translation>
        </message>
        <message>
            <source>%1 bytes</source>
            <translation>%1 字节</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Repo id</source>
            <translation>仓库 ID</translation>
        </message>
        <message>
            <source>Revision</source>
            <translation>修订版本</translation>
        </message>
        <message>
            <source>Parameters</source>
            <translation>参数</translation>
        </message>
        <message>
            <source>Quantization</source>
            <translation>量化</translation>
        </message>
        <message>
            <source>Size on disk</source>
            <translation>磁盘占用</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Updated</source>
            <translation>更新时间</translation>
        </message>
        <message>
            <source>%1 of %2</source>
            <translation>%1 / %2</translation>
        </message>
        <message>
            <source>file %1 of %2</source>
            <translation>第 %1 个文件，共 %2 个</translation>
        </message>
        <message>
            <source>Queued #%1</source>
            <translation>排队第 %1 位</translation>
        </message>
        <message>
            <source>enter a Hugging Face token and resume</source>
            <translation>请输入 Hugging Face 令牌后继续</translation>
        </message>
        <message>
            <source>%1 parameters</source>
            <translation>%1 个参数</translation>
        </message>
        <message>
            <source>%1 downloaded + %2 of quantized variants</source>
            <translation>已下载 %1 + 量化变体 %2</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::ModelsPanel</name>
        <message>
            <source>Add a model…</source>
            <translation>添加模型…</translation>
        </message>
        <message>
            <source>Stop the download or quantization and discard its partial data</source>
            <translation>停止下载或量化并丢弃部分数据</translation>
        </message>
        <message>
            <source>&amp;Pause</source>
            <translation>暂停(&amp;P)</translation>
        </message>
        <message>
            <source>&amp;Retry</source>
            <translation>重试(&amp;R)</translation>
        </message>
        <message>
            <source>&amp;Delete…</source>
            <translation>删除(&amp;D)…</translation>
        </message>
        <message>
            <source>&amp;Open folder</source>
            <translation>打开文件夹(&amp;O)</translation>
        </message>
        <message>
            <source>Copy &amp;path</source>
            <translation>复制路径(&amp;P)</translation>
        </message>
        <message>
            <source>Copy repo &amp;id</source>
            <translation>复制仓库 ID(&amp;I)</translation>
        </message>
        <message>
            <source>View &amp;architecture</source>
            <translation>查看架构(&amp;A)</translation>
        </message>
        <message>
            <source>Res&amp;ume</source>
            <translation>继续(&amp;U)</translation>
        </message>
        <message>
            <source>&lt;h2&gt;No models yet&lt;/h2&gt;&lt;p&gt;Enter a Hugging Face repo id above (for example &lt;i&gt;google/gemma-2-2b&lt;/i&gt; or &lt;i&gt;gpt2&lt;/i&gt;), press &lt;b&gt;Preview&lt;/b&gt; to see exactly what it contains, then &lt;b&gt;Download&lt;/b&gt;.&lt;/p&gt;</source>
            <translation>&lt;h2&gt;还没有模型&lt;/h2&gt;&lt;p&gt;在上方输入 Hugging Face 仓库 ID（例如 &lt;i&gt;google/gemma-2-2b&lt;/i&gt; 或 &lt;i&gt;gpt2&lt;/i&gt;），点击&lt;b&gt;预览&lt;/b&gt;查看其确切内容，然后点击&lt;b&gt;下载&lt;/b&gt;。&lt;/p&gt;</translation>
        </message>
        <message>
            <source>Deleted %1, freed %2.</source>
            <translation>已删除 %1，释放了 %2。</translation>
        </message>
        <message>
            <source>Down&amp;load</source>
            <translation>下载(&amp;L)</translation>
        </message>
        <message>
            <source>Download this model (it has no download running or paused)</source>
            <translation>下载此模型（它没有正在进行或已暂停的下载）</translation>
        </message>
        <message>
            <source>&amp;Cancel…</source>
            <translation>取消(&amp;C)…</translation>
        </message>
        <message>
            <source>Re-&amp;quantize…</source>
            <translation>重新量化(&amp;Q)…</translation>
        </message>
        <message>
            <source>Write another quantized variant from the downloaded files</source>
            <translation>用已下载的文件写出另一个量化变体</translation>
        </message>
        <message>
            <source>Move &amp;up in queue</source>
            <translation>在队列中上移(&amp;U)</translation>
        </message>
        <message>
            <source>Move do&amp;wn in queue</source>
            <translation>在队列中下移(&amp;W)</translation>
        </message>
        <message>
            <source>Pause a&amp;ll</source>
            <translation>全部暂停(&amp;L)</translation>
        </message>
        <message>
            <source>Resume al&amp;l</source>
            <translation>全部继续(&amp;L)</translation>
        </message>
        <message>
            <source>Jobs paused: %1.</source>
            <translation>已暂停的任务：%1。</translation>
        </message>
        <message>
            <source>Jobs resumed: %1.</source>
            <translation>已继续的任务：%1。</translation>
        </message>
        <message>
            <source>&lt;h3&gt;No model matches "%1"&lt;/h3&gt;&lt;p&gt;Clear the filter to see all your models.&lt;/p&gt;</source>
            <translation>&lt;h3&gt;没有与“%1”匹配的模型&lt;/h3&gt;&lt;p&gt;清除筛选条件即可查看所有模型。&lt;/p&gt;</translation>
        </message>
        <message>
            <source>&lt;h3&gt;Nothing here&lt;/h3&gt;&lt;p&gt;No model is in "%1". Choose &lt;b&gt;All&lt;/b&gt; to see all your models.&lt;/p&gt;</source>
            <translation>&lt;h3&gt;这里没有内容&lt;/h3&gt;&lt;p&gt;“%1”中没有模型。选择&lt;b&gt;全部&lt;/b&gt;即可查看所有模型。&lt;/p&gt;</translation>
        </message>
        <message>
            <source>Cancelled %1; its partial data was deleted.</source>
            <translation>已取消 %1；其部分数据已删除。</translation>
        </message>
        <message>
            <source>Deleted a variant of %1, freed %2.</source>
            <translation>已删除 %1 的一个变体，释放了 %2。</translation>
        </message>
        <message>
            <source>%1: every file matches its recorded hash.</source>
            <translation>%1：所有文件均与记录的哈希一致。</translation>
        </message>
        <message>
            <source>%1 failed verification: %2.</source>
            <translation>%1 校验失败：%2。</translation>
        </message>
        <message>
            <source>&amp;Verify files</source>
            <translation>校验文件(&amp;V)</translation>
        </message>
        <message>
            <source>Re-hash the model's files against the hashes recorded when they arrived</source>
            <translation>重新计算模型文件的哈希，并与文件到达时记录的哈希比对</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::PreviewDialog</name>
        <message>
            <source>Preview of %1</source>
            <translation>%1 的预览</translation>
        </message>
        <message>
            <source>Revision %1 at commit &lt;tt&gt;%2&lt;/tt&gt;</source>
            <translation>修订版本 %1，提交 &lt;tt&gt;%2&lt;/tt&gt;</translation>
        </message>
        <message>
            <source>&lt;b&gt;This model runs its own Python code&lt;/b&gt; (trust_remote_code). miStudio downloads the code files but never runs them; review them before loading the model with transformers.</source>
            <translation>&lt;b&gt;此模型会运行自带的 Python 代码&lt;/b&gt;（trust_remote_code）。miStudio 会下载这些代码文件但从不运行它们；用 transformers 加载模型之前请先审查这些代码。</translation>
        </message>
        <message>
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <source>Model type:</source>
            <translation>模型类型：</translation>
        </message>
        <message>
            <source>%1 (%2 exactly)</source>
            <translation>%1（精确值 %2）</translation>
        </message>
        <message>
            <source>Parameters:</source>
            <translation>参数：</translation>
        </message>
        <message>
            <source>Per dtype:</source>
            <translation>按数据类型：</translation>
        </message>
        <message>
            <source>Layers:</source>
            <translation>层数：</translation>
        </message>
        <message>
            <source>Hidden size:</source>
            <translation>隐藏层维度：</translation>
        </message>
        <message>
            <source>Intermediate size:</source>
            <translation>中间层维度：</translation>
        </message>
        <message>
            <source>Attention heads:</source>
            <translation>注意力头数：</translation>
        </message>
        <message>
            <source>%1 (%2 key/value heads)</source>
            <translation>%1（%2 个键/值头）</translation>
        </message>
        <message>
            <source>Vocabulary:</source>
            <translation>词表大小：</translation>
        </message>
        <message>
            <source>Context length:</source>
            <translation>上下文长度：</translation>
        </message>
        <message>
            <source>Dtype:</source>
            <translation>数据类型：</translation>
        </message>
        <message>
            <source>License:</source>
            <translation>许可证：</translation>
        </message>
        <message>
            <source>Access:</source>
            <translation>访问：</translation>
        </message>
        <message>
            <source>File</source>
            <translation>文件</translation>
        </message>
        <message>
            <source>Size</source>
            <translation>大小</translation>
        </message>
        <message>
            <source>%1 bytes</source>
            <translation>%1 字节</translation>
        </message>
        <message>
            <source>Mode</source>
            <translation>模式</translation>
        </message>
        <message>
            <source>Size on disk</source>
            <translation>磁盘占用</translation>
        </message>
        <message>
            <source>Memory to load</source>
            <translation>加载所需内存</translation>
        </message>
        <message>
            <source>Disk needed</source>
            <translation>所需磁盘空间</translation>
        </message>
        <message>
            <source>None (original)</source>
            <translation>无（原始）</translation>
        </message>
        <message>
            <source>4-bit NF4 (bitsandbytes)</source>
            <translation>4 位 NF4（bitsandbytes）</translation>
        </message>
        <message>
            <source>8-bit (bitsandbytes)</source>
            <translation>8 位（bitsandbytes）</translation>
        </message>
        <message>
            <source>unknown</source>
            <translation>未知</translation>
        </message>
        <message>
            <source>Free space in the data directory: unknown</source>
            <translation>数据目录可用空间：未知</translation>
        </message>
        <message>
            <source>&amp;Download</source>
            <translation>下载(&amp;D)</translation>
        </message>
        <message>
            <source>Not enough disk space.</source>
            <translation>磁盘空间不足。</translation>
        </message>
        <message>
            <source>This needs %1 but only %2 are free. Free some space or choose another data directory in Settings.</source>
            <translation>需要 %1，但只有 %2 可用。请释放一些空间，或在设置中选择其他数据目录。</translation>
        </message>
        <message>
            <source>Counted from:</source>
            <translation>计数来源：</translation>
        </message>
        <message>
            <source>the form</source>
            <translation>表单</translation>
        </message>
        <message>
            <source>the keychain</source>
            <translation>钥匙串</translation>
        </message>
        <message>
            <source>the %1 environment variable</source>
            <translation>环境变量 %1</translation>
        </message>
        <message>
            <source>the file %1</source>
            <translation>文件 %1</translation>
        </message>
        <message>
            <source>Open on &amp;Hugging Face</source>
            <translation>在 Hugging Face 上打开(&amp;H)</translation>
        </message>
        <message>
            <source>No access yet.</source>
            <translation>尚无访问权限。</translation>
        </message>
        <message>
            <source>Until then the Hub shows only part of this model: what it does not show is marked unknown, and Download is off.</source>
            <translation>在此之前 Hub 只显示此模型的一部分信息：未显示的内容标为“未知”，且无法下载。</translation>
        </message>
        <message>
            <source>This checkpoint has no safetensors headers: the parameter count is estimated from file sizes.</source>
            <translation>此检查点没有 safetensors 头信息：参数量是根据文件大小估算的。</translation>
        </message>
        <message>
            <source>The Hub's parameter count (%1) differs from the one in the weight files (%2); the weight files' count is shown.</source>
            <translation>Hub 给出的参数量（%1）与权重文件中的（%2）不同；此处显示权重文件中的数值。</translation>
        </message>
        <message>
            <source>Overview</source>
            <translation>概览</translation>
        </message>
        <message>
            <source>Files (%1)</source>
            <translation>文件（%1）</translation>
        </message>
        <message>
            <source>Loading the model card…</source>
            <translation>正在加载模型卡片…</translation>
        </message>
        <message>
            <source>Model card</source>
            <translation>模型卡片</translation>
        </message>
        <message>
            <source>A token with access to this model is needed first.</source>
            <translation>需要先有一个可访问此模型的令牌。</translation>
        </message>
        <message>
            <source>Enter a &amp;token…</source>
            <translation>输入令牌(&amp;T)…</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>unknown without access</source>
            <translation>无权限，未知</translation>
        </message>
        <message>
            <source>about %1 (estimated from file sizes)</source>
            <translation>约 %1（根据文件大小估算）</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1：%2</translation>
        </message>
        <message>
            <source>%1 tokens</source>
            <translation>%1 个 token</translation>
        </message>
        <message>
            <source>public: no token needed</source>
            <translation>公开：无需令牌</translation>
        </message>
        <message>
            <source>private</source>
            <translation>私有</translation>
        </message>
        <message>
            <source>gated, approval by the authors</source>
            <translation>受限，需作者审批</translation>
        </message>
        <message>
            <source>gated</source>
            <translation>受限</translation>
        </message>
        <message>
            <source>%1; access granted</source>
            <translation>%1；已获访问权限</translation>
        </message>
        <message>
            <source>%1; the token from %2 has access</source>
            <translation>%1；来自%2的令牌有访问权限</translation>
        </message>
        <message>
            <source>%1; no token is set</source>
            <translation>%1；未设置令牌</translation>
        </message>
        <message>
            <source>%1; the token from %2 has no access</source>
            <translation>%1；来自%2的令牌没有访问权限</translation>
        </message>
        <message>
            <source>the weight files' headers (exact)</source>
            <translation>权重文件头信息（精确）</translation>
        </message>
        <message>
            <source>the Hub's metadata</source>
            <translation>Hub 的元数据</translation>
        </message>
        <message>
            <source>the file sizes (an estimate)</source>
            <translation>文件大小（估算）</translation>
        </message>
        <message>
            <source>Weight files:</source>
            <translation>权重文件：</translation>
        </message>
        <message>
            <source>Size and memory per quantization</source>
            <translation>各量化方式的大小与内存</translation>
        </message>
        <message>
            <source>Fits in memory</source>
            <translation>内存是否够用</translation>
        </message>
        <message>
            <source>about %1</source>
            <translation>约 %1</translation>
        </message>
        <message>
            <source>Free space in %1: %2</source>
            <translation>%1 的可用空间：%2</translation>
        </message>
        <message>
            <source>the data directory</source>
            <translation>数据目录</translation>
        </message>
        <message>
            <source>A quantized variant is written beside the original files, so it needs the space of both.</source>
            <translation>量化变体与原始文件并存，因此需要两者的空间。</translation>
        </message>
        <message>
            <source>Files to download: %1, %2 in total.</source>
            <translation>需下载的文件：%1 个，共 %2。</translation>
        </message>
        <message>
            <source>Not downloaded (other weight formats or not needed): %1</source>
            <translation>不下载（其他权重格式或不需要的文件）：%1</translation>
        </message>
        <message>
            <source>The model card is not available.</source>
            <translation>模型卡片不可用。</translation>
        </message>
        <message>
            <source>This repository has no model card.</source>
            <translation>此仓库没有模型卡片。</translation>
        </message>
        <message>
            <source>The model card could not be loaded: %1</source>
            <translation>无法加载模型卡片：%1</translation>
        </message>
        <message>
            <source>GPU (%1)</source>
            <translation>GPU（%1）</translation>
        </message>
        <message>
            <source>RAM (%1)</source>
            <translation>内存（%1）</translation>
        </message>
        <message>
            <source>Too large for the GPU's %1.</source>
            <translation>超出 GPU 的 %1。</translation>
        </message>
        <message>
            <source>no: RAM is %1</source>
            <translation>不够：内存为 %1</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::RequantizeDialog</name>
        <message>
            <source>Re-quantize %1</source>
            <translation>重新量化 %1</translation>
        </message>
        <message>
            <source>Choose the variant to write from the downloaded files. The original files stay as they are; nothing is downloaded again.</source>
            <translation>请选择要用已下载文件写出的变体。原始文件保持不变，不会重新下载。</translation>
        </message>
        <message>
            <source>Variant</source>
            <translation>变体</translation>
        </message>
        <message>
            <source>Estimated size</source>
            <translation>估计大小</translation>
        </message>
        <message>
            <source>4-bit NF4, double quantization (recommended)</source>
            <translation>4 位 NF4，双重量化（推荐）</translation>
        </message>
        <message>
            <source>4-bit NF4</source>
            <translation>4 位 NF4</translation>
        </message>
        <message>
            <source>4-bit FP4, double quantization</source>
            <translation>4 位 FP4，双重量化</translation>
        </message>
        <message>
            <source>4-bit FP4</source>
            <translation>4 位 FP4</translation>
        </message>
        <message>
            <source>8-bit (LLM.int8)</source>
            <translation>8 位（LLM.int8）</translation>
        </message>
        <message>
            <source>estimating…</source>
            <translation>正在估算…</translation>
        </message>
        <message>
            <source>Automatic (a GPU when there is one)</source>
            <translation>自动（有 GPU 时使用 GPU）</translation>
        </message>
        <message>
            <source>CPU</source>
            <translation>CPU</translation>
        </message>
        <message>
            <source>&amp;Device:</source>
            <translation>设备(&amp;D)：</translation>
        </message>
        <message>
            <source>&amp;Quantize</source>
            <translation>量化(&amp;Q)</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>unknown</source>
            <translation>未知</translation>
        </message>
        <message>
            <source>about %1</source>
            <translation>约 %1</translation>
        </message>
        <message>
            <source>On disk now</source>
            <translation>当前已有</translation>
        </message>
        <message>
            <source>no</source>
            <translation>否</translation>
        </message>
        <message>
            <source>Each variant is written to a folder of its own beside the others. Quantizing a variant the model has already replaces only that one.</source>
            <translation>每个变体写入各自的文件夹，与其他变体并存。重新量化模型已有的变体只会替换该变体。</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::SearchHitDelegate</name>
        <message>
            <source>Enter or click: preview · Ctrl+Enter: download</source>
            <translation>回车或单击：预览 · Ctrl+回车：下载</translation>
        </message>
        <message>
            <source>↓ %1</source>
            <translation>↓ %1</translation>
        </message>
        <message>
            <source>♥ %1</source>
            <translation>♥ %1</translation>
        </message>
        <message>
            <source>gated (approval)</source>
            <translation>受限（需审批）</translation>
        </message>
        <message>
            <source>gated</source>
            <translation>受限</translation>
        </message>
        <message>
            <source>private</source>
            <translation>私有</translation>
        </message>
        <message>
            <source>updated %1</source>
            <translation>更新于 %1</translation>
        </message>
        <message>
            <source>Download</source>
            <translation>下载</translation>
        </message>
        <message>
            <source>Preview</source>
            <translation>预览</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::SettingsDialog</name>
        <message>
            <source>Settings</source>
            <translation>设置</translation>
        </message>
        <message>
            <source>Browse…</source>
            <translation>浏览…</translation>
        </message>
        <message>
            <source>Data directory</source>
            <translation>数据目录</translation>
        </message>
        <message>
            <source>&amp;Data directory:</source>
            <translation>数据目录(&amp;D)：</translation>
        </message>
        <message>
            <source>SQLite file in the data directory</source>
            <translation>数据目录中的 SQLite 文件</translation>
        </message>
        <message>
            <source>PostgreSQL:</source>
            <translation>PostgreSQL：</translation>
        </message>
        <message>
            <source>Catalogue:</source>
            <translation>目录：</translation>
        </message>
        <message>
            <source>System language</source>
            <translation>系统语言</translation>
        </message>
        <message>
            <source>&amp;Language:</source>
            <translation>语言(&amp;L)：</translation>
        </message>
        <message>
            <source>Changes to the data directory, catalogue and language take effect the next time miStudio Models starts.</source>
            <translation>数据目录、目录数据库和语言的更改将在下次启动 miStudio Models 时生效。</translation>
        </message>
        <message>
            <source>General</source>
            <translation>常规</translation>
        </message>
        <message>
            <source>Hub &amp;endpoint (mirror):</source>
            <translation>Hub 端点（镜像）(&amp;E)：</translation>
        </message>
        <message>
            <source>http://proxy:3128 (empty: from the environment)</source>
            <translation>http://proxy:3128（留空：使用环境变量）</translation>
        </message>
        <message>
            <source>&amp;Proxy:</source>
            <translation>代理(&amp;P)：</translation>
        </message>
        <message>
            <source>hf_… (stored in the system keychain)</source>
            <translation>hf_…（保存在系统钥匙串中）</translation>
        </message>
        <message>
            <source>Show the token</source>
            <translation>显示令牌</translation>
        </message>
        <message>
            <source>Hugging Face &amp;token:</source>
            <translation>Hugging Face 令牌(&amp;T)：</translation>
        </message>
        <message>
            <source>Max concurrent &amp;downloads:</source>
            <translation>最大并发下载数(&amp;D)：</translation>
        </message>
        <message>
            <source>&amp;Connections per file:</source>
            <translation>每个文件的连接数(&amp;C)：</translation>
        </message>
        <message>
            <source>&amp;Files in parallel:</source>
            <translation>并行文件数(&amp;F)：</translation>
        </message>
        <message>
            <source>unlimited (e.g. 50M for 50 MB/s)</source>
            <translation>不限（例如 50M 表示 50 MB/s）</translation>
        </message>
        <message>
            <source>&amp;Bandwidth cap (bytes/s):</source>
            <translation>带宽上限（字节/秒）(&amp;B)：</translation>
        </message>
        <message>
            <source>Hub &amp;&amp; downloads</source>
            <translation>Hub 与下载</translation>
        </message>
        <message>
            <source>Run the API server inside the app (REST + WebSocket)</source>
            <translation>在应用内运行 API 服务器（REST + WebSocket）</translation>
        </message>
        <message>
            <source>&amp;Address:</source>
            <translation>地址(&amp;A)：</translation>
        </message>
        <message>
            <source>P&amp;ort:</source>
            <translation>端口(&amp;O)：</translation>
        </message>
        <message>
            <source>generated when the server first starts</source>
            <translation>服务器首次启动时生成</translation>
        </message>
        <message>
            <source>API token:</source>
            <translation>API 令牌：</translation>
        </message>
        <message>
            <source>comma-separated origins allowed for browsers</source>
            <translation>允许浏览器访问的来源，用逗号分隔</translation>
        </message>
        <message>
            <source>Allowed &amp;origins:</source>
            <translation>允许的来源(&amp;O)：</translation>
        </message>
        <message>
            <source>Listening on an address other than 127.0.0.1 requires the API token (Authorization: Bearer) on every request.</source>
            <translation>在 127.0.0.1 以外的地址监听时，每个请求都必须携带 API 令牌（Authorization: Bearer）。</translation>
        </message>
        <message>
            <source>Server</source>
            <translation>服务器</translation>
        </message>
        <message>
            <source>The Hub endpoint must be an http(s) URL, e.g. https://huggingface.co</source>
            <translation>Hub 端点必须是 http(s) URL，例如 https://huggingface.co</translation>
        </message>
        <message>
            <source>The proxy is not a valid URL.</source>
            <translation>代理不是有效的 URL。</translation>
        </message>
        <message>
            <source>The bandwidth cap must be a number of bytes per second, e.g. 50M.</source>
            <translation>带宽上限必须是每秒字节数，例如 50M。</translation>
        </message>
        <message>
            <source>The PostgreSQL URL must start with postgresql://</source>
            <translation>PostgreSQL URL 必须以 postgresql:// 开头</translation>
        </message>
        <message>
            <source>Closing the window keeps miStudio Models running in the system tray</source>
            <translation>关闭窗口后 miStudio Models 继续在系统托盘中运行</translation>
        </message>
        <message>
            <source>OK</source>
            <translation>确定</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>In use now: %1 — %2</source>
            <translation>当前使用：%1 — %2</translation>
        </message>
        <message>
            <source>the SQLite file in the data directory</source>
            <translation>数据目录中的 SQLite 文件</translation>
        </message>
        <message>
            <source>In use now: offline (HF_HUB_OFFLINE), the Hub is not contacted</source>
            <translation>当前：离线（HF_HUB_OFFLINE），不会连接 Hub</translation>
        </message>
        <message>
            <source>In use now: no token (public models only)</source>
            <translation>当前：无令牌（仅限公开模型）</translation>
        </message>
        <message>
            <source>In use now: the token stored in the keychain</source>
            <translation>当前：钥匙串中保存的令牌</translation>
        </message>
        <message>
            <source>In use now: the token from the environment (%1), which wins over the one stored here</source>
            <translation>当前：来自环境变量（%1）的令牌，优先于此处保存的令牌</translation>
        </message>
        <message>
            <source>In use now: the token file %1, which wins over the one stored here</source>
            <translation>当前：令牌文件 %1，优先于此处保存的令牌</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::StatusDelegate</name>
        <message>
            <source>%1 / %2</source>
            <translation>%1 / %2</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::TokenStore</name>
        <message>
            <source>Could not create %1</source>
            <translation>无法创建 %1</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::WorkersDialog</name>
        <message>
            <source>Workers</source>
            <translation>工作进程</translation>
        </message>
        <message>
            <source>Processes sharing this catalogue. A queued job runs on any of them that offers its kind and device.</source>
            <translation>共享此目录的进程。排队的任务会在任何提供其任务类型和设备的进程上运行。</translation>
        </message>
        <message>
            <source>Host</source>
            <translation>主机</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>角色</translation>
        </message>
        <message>
            <source>Job kinds</source>
            <translation>任务类型</translation>
        </message>
        <message>
            <source>Devices</source>
            <translation>设备</translation>
        </message>
        <message>
            <source>PID</source>
            <translation>PID</translation>
        </message>
        <message>
            <source>Version</source>
            <translation>版本</translation>
        </message>
        <message>
            <source>Last heartbeat</source>
            <translation>最近心跳</translation>
        </message>
        <message>
            <source>&amp;Refresh</source>
            <translation>刷新(&amp;R)</translation>
        </message>
        <message>
            <source>Desktop app</source>
            <translation>桌面应用</translation>
        </message>
        <message>
            <source>Server</source>
            <translation>服务器</translation>
        </message>
        <message>
            <source>Command line</source>
            <translation>命令行</translation>
        </message>
        <message>
            <source>Worker</source>
            <translation>工作进程</translation>
        </message>
        <message>
            <source>Could not list the workers: %1</source>
            <translation>无法列出工作进程：%1</translation>
        </message>
        <message>
            <source>No process has registered as a worker of this catalogue.</source>
            <translation>尚无进程注册为此目录的工作进程。</translation>
        </message>
        <message>
            <source>none (front end only)</source>
            <translation>无（仅前端）</translation>
        </message>
        <message>
            <source>%1 (this app)</source>
            <translation>%1（本应用）</translation>
        </message>
    </context>
    <context>
        <name>mistudio::ui::WorkersIndicator</name>
        <message>
            <source>1 worker</source>
            <translation>1 个工作进程</translation>
        </message>
        <message>
            <source>%1 workers</source>
            <translation>%1 个工作进程</translation>
        </message>
        <message>
            <source>Processes sharing this catalogue, on %1. Click for details.</source>
            <translation>共享此目录的进程，位于 %1。点击查看详情。</translation>
        </message>
    </context>
</TS>
