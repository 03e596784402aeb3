"""Brazilian Portuguese texts, keyed by the English message id."""

PT_BR: dict[str, str] = {
    # --- command line -------------------------------------------------------------
    "print a webphone URL": "mostra uma URL de webphone",
    "list the account's extensions": "lista os ramais da conta",
    "call a number through the running app (starts it if needed)":
        "liga para um número pelo app aberto (abre o app se preciso)",
    "quit the running app": "fecha o app aberto",
    "manage the Access-Token in the system keyring":
        "gerencia o Access-Token no chaveiro do sistema",
    "run the demo sandbox server alone": "roda só o servidor sandbox de demonstração",
    "API address (default: settings, or $TVDESK_API_BASE)":
        "endereço da API (padrão: configurações, ou $TVDESK_API_BASE)",
    "keep config, data, logs and web profile in DIR ($TVDESK_HOME)":
        "guarda configurações, dados, logs e perfil web em DIR ($TVDESK_HOME)",
    "log details to the console": "mostra detalhes do log no terminal",
    "an extension has 3 or 4 digits": "um ramal tem 3 ou 4 dígitos",
    "Desktop softphone for TotalVoice / Zenvia Voice.":
        "Softphone de desktop para TotalVoice / Zenvia Voice.",
    "run against an embedded demo sandbox (nothing is stored)":
        "usa um sandbox de demonstração embutido (nada é gravado)",
    "start in the tray without showing the main window":
        "inicia na bandeja sem mostrar a janela principal",
    "extension number (3-4 digits)": "número do ramal (3 ou 4 dígitos)",
    "extension id": "id do ramal",
    "number to dial at once": "número para discar na hora",
    "close when the call ends": "fechar quando a ligação terminar",
    "print JSON": "mostra em JSON",
    "the number to call": "o número para ligar",
    "extension to call from (default: settings)": "ramal de origem (padrão: configurações)",
    "read the token from stdin or a hidden prompt, check it, store it":
        "lê o token da entrada padrão ou de um prompt oculto, confere e guarda",
    "store without checking with the API": "guarda sem conferir com a API",
    "say where the token comes from and check it": "diz de onde vem o token e confere",
    "remove the token from the keyring": "remove o token do chaveiro",
    "Access-Token stored in the system keyring ({backend}).":
        "Access-Token guardado no chaveiro do sistema ({backend}).",
    "Keyring backend: {backend}": "Chaveiro em uso: {backend}",
    "Token source: {source}": "Origem do token: {source}",
    "The API at {url} accepts the token (balance: {balance}).":
        "A API em {url} aceita o token (saldo: {balance}).",
    "Calling {number} from extension {ramal}…": "Ligando para {number} pelo ramal {ramal}…",
    "Calling {number}…": "Ligando para {number}…",
    "tvdesk is quitting.": "O tvdesk está fechando.",
    "tvdesk is not running.": "O tvdesk não está aberto.",
    "Access-Token (input hidden): ": "Access-Token (não aparece na tela): ",
    "No token was given (type it at the prompt or pipe it on stdin).":
        "Nenhum token informado (digite no prompt ou envie pela entrada padrão).",
    "The API accepted the token (balance: {balance}).": "A API aceitou o token (saldo: {balance}).",
    "The account has no extensions.": "A conta não tem ramais.",
    "Access-Token removed from the keyring.": "Access-Token removido do chaveiro.",
    "No Access-Token was stored in the keyring.": "Não havia Access-Token no chaveiro.",
    "unexpected error; details are in the log: {path}":
        "erro inesperado; os detalhes estão no log: {path}",
    "the app refused the call": "o app recusou a ligação",
    "environment (TVDESK_TOKEN)": "ambiente (TVDESK_TOKEN)",
    "system keyring": "chaveiro do sistema",
    "could not start; details are in the log: {path}":
        "não foi possível iniciar; os detalhes estão no log: {path}",
    "the X11 display cannot be used because the system library {library} is missing. "
    "On Debian or Ubuntu: sudo apt install {packages}":
        "a tela X11 não pode ser usada porque falta a biblioteca do sistema {library}. "
        "No Debian ou Ubuntu: sudo apt install {packages}",
    "no display found: running without windows; use 'tvdesk dial' to call and "
    "'tvdesk quit' to stop.":
        "nenhuma tela encontrada: rodando sem janelas; use 'tvdesk dial' para ligar e "
        "'tvdesk quit' para parar.",
    "address to listen on": "endereço onde escutar",
    "port (0: any free port)": "porta (0: qualquer porta livre)",
    "Access-Token it accepts (default: random)": "Access-Token que ele aceita (padrão: aleatório)",
    "seconds of 'chamando' before 'conversando'": "segundos em 'chamando' antes de 'conversando'",
    "seconds of 'conversando' before the page hangs up (0: never)":
        "segundos em 'conversando' antes de a página desligar (0: nunca)",
    "seconds a signed webphone URL stays valid": "segundos de validade de uma URL de webphone assinada",
    "account balance (0: /webphone answers 402)": "saldo da conta (0: /webphone responde 402)",
    "extra generated extensions, to try paging": "ramais extras gerados, para testar paginação",
    # --- phone window -------------------------------------------------------------
    "Extension {ramal}": "Ramal {ramal}",
    "ready": "pronto",
    "disconnected": "desconectado",
    "calling…": "chamando…",
    "in call": "em ligação",
    "call ended": "ligação encerrada",
    # --- main window and tray -------------------------------------------------------
    "Enter Access-Token…": "Informar Access-Token…",
    "Number to call (optional), e.g. (48) 3283-0151":
        "Número para ligar (opcional), ex.: (48) 3283-0151",
    "Call": "Ligar",
    "Settings…": "Configurações…",
    "Import from account": "Importar da conta",
    "Will dial {number}": "Vai discar {number}",
    "Extensions": "Ramais",
    "tvdesk — demo (sandbox)": "tvdesk — demonstração (sandbox)",
    "Demo mode: calls go to the built-in sandbox, not to a real phone line.":
        "Modo demonstração: as ligações vão para o sandbox embutido, não para uma linha real.",
    "No Access-Token is set up yet.": "Nenhum Access-Token configurado ainda.",
    "No extensions yet: import them from the account or add one in Settings.":
        "Nenhum ramal ainda: importe da conta ou adicione um nas Configurações.",
    "Pick an extension first.": "Escolha um ramal primeiro.",
    "default": "padrão",
    "Call from {extension}": "Ligar pelo ramal {extension}",
    "Open tvdesk": "Abrir o tvdesk",
    "Quit": "Sair",
    "Demo mode: calls go to the sandbox": "Modo demonstração: ligações vão para o sandbox",
    "No extensions configured": "Nenhum ramal configurado",
    "(default)": "(padrão)",
    # --- dialogs ------------------------------------------------------------------
    "Settings — tvdesk": "Configurações — tvdesk",
    "Close the phone window when the call ends": "Fechar a janela do telefone ao fim da ligação",
    "Add": "Adicionar",
    "Remove": "Remover",
    "Change Access-Token…": "Trocar Access-Token…",
    "Forget Access-Token": "Esquecer Access-Token",
    "API address": "Endereço da API",
    "Webphone type": "Tipo de webphone",
    "Default extension": "Ramal padrão",
    "Extension": "Ramal",
    "Label": "Nome",
    "'{ramal}' is not an extension: an extension has 3 or 4 digits.":
        "'{ramal}' não é um ramal: um ramal tem 3 ou 4 dígitos.",
    "{url} (documented)": "{url} (documentado)",
    "{url} (current, Zenvia)": "{url} (atual, Zenvia)",
    "Access-Token — tvdesk": "Access-Token — tvdesk",
    "Paste the Access-Token from the TotalVoice panel": "Cole o Access-Token do painel da TotalVoice",
    "Check and save": "Conferir e salvar",
    "Access-Token": "Access-Token",
    "Checking the token with {url}…": "Conferindo o token com {url}…",
    "The token is checked with the API and kept in the system keyring, never in a file.":
        "O token é conferido com a API e guardado no chaveiro do sistema, nunca em arquivo.",
    "Paste the token first.": "Cole o token primeiro.",
    "Something unexpected went wrong. tvdesk keeps running; details are in the log: {path}":
        "Algo inesperado aconteceu. O tvdesk continua aberto; os detalhes estão no log: {path}",
    "Access-Token saved. Balance: {balance}.": "Access-Token salvo. Saldo: {balance}.",
    "Access-Token removed from the keyring. Demo mode is on.":
        "Access-Token removido do chaveiro. O modo demonstração está ativo.",
    "{count} extensions found in the account ({added} new).":
        "{count} ramais encontrados na conta ({added} novos).",
    "Could not save the settings: {reason}": "Não foi possível salvar as configurações: {reason}",
    "The settings file was damaged and has been set aside ({path}); "
    "tvdesk started with default settings.":
        "O arquivo de configurações estava danificado e foi guardado à parte ({path}); "
        "o tvdesk começou com as configurações padrão.",
    # --- calls --------------------------------------------------------------------
    "Extension {ramal} is already in a call. Hang up first.":
        "O ramal {ramal} já está em ligação. Desligue primeiro.",
    "Opening extension {ramal}…": "Abrindo o ramal {ramal}…",
    "The webphone of extension {ramal} was closed.": "O webphone do ramal {ramal} foi fechado.",
    # --- errors -------------------------------------------------------------------
    "Something went wrong: {detail}": "Algo deu errado: {detail}",
    "No Access-Token is set up. Run 'tvdesk token set' or set TVDESK_TOKEN "
    "(or start with --sandbox to try the demo).":
        "Nenhum Access-Token configurado. Rode 'tvdesk token set' ou defina TVDESK_TOKEN "
        "(ou inicie com --sandbox para experimentar a demonstração).",
    "No usable system keyring was found, so the Access-Token cannot be stored "
    "safely. Install and unlock a Secret Service keyring (GNOME Keyring or "
    "KWallet), or set TVDESK_TOKEN for this session. tvdesk never writes the "
    "token to a plain file.":
        "Nenhum chaveiro do sistema utilizável foi encontrado, então o Access-Token não pode "
        "ser guardado com segurança. Instale e desbloqueie um chaveiro Secret Service "
        "(GNOME Keyring ou KWallet), ou defina TVDESK_TOKEN para esta sessão. O tvdesk nunca "
        "grava o token em arquivo comum.",
    "An extension (ramal) has 3 or 4 digits.": "Um ramal tem 3 ou 4 dígitos.",
    "The API answered with a webphone address tvdesk will not open ({reason}).":
        "A API respondeu com um endereço de webphone que o tvdesk não vai abrir ({reason}).",
    "The TotalVoice API refused the request (HTTP {status}): {mensagem}":
        "A API da TotalVoice recusou o pedido (HTTP {status}): {mensagem}",
    "The Access-Token was refused. Check it in the TotalVoice panel and set it again.":
        "O Access-Token foi recusado. Confira no painel da TotalVoice e informe de novo.",
    "The TotalVoice account has no balance left. Top it up to make calls.":
        "A conta TotalVoice está sem saldo. Faça uma recarga para ligar.",
    "Not found: {mensagem}. Check the extension (ramal) number.":
        "Não encontrado: {mensagem}. Confira o número do ramal.",
    "The API did not accept a parameter: {mensagem}": "A API não aceitou um parâmetro: {mensagem}",
    "Too many requests to the TotalVoice API. Wait a few seconds and try again.":
        "Muitos pedidos para a API da TotalVoice. Espere alguns segundos e tente de novo.",
    "The TotalVoice API is having trouble (HTTP {status}). Try again in a moment.":
        "A API da TotalVoice está com problemas (HTTP {status}). Tente de novo em instantes.",
    "The server did not answer like the TotalVoice API (HTTP {status}). "
    "Check the API address in settings.":
        "O servidor não respondeu como a API da TotalVoice (HTTP {status}). "
        "Confira o endereço da API nas configurações.",
    "Could not reach {host}. Check your internet connection.":
        "Não foi possível falar com {host}. Confira sua conexão com a internet.",
    "The secure connection to {host} failed (certificate problem). "
    "Check the API address and the computer's date.":
        "A conexão segura com {host} falhou (problema de certificado). "
        "Confira o endereço da API e a data do computador.",
    "{host} took too long to answer. Try again.": "{host} demorou demais para responder. Tente de novo.",
    "The API at {host} redirected to another address; tvdesk does not follow it, "
    "so the Access-Token stays safe. Check the API address.":
        "A API em {host} redirecionou para outro endereço; o tvdesk não segue o "
        "redirecionamento, para manter o Access-Token seguro. Confira o endereço da API.",
    "tvdesk is not running and could not be started.":
        "O tvdesk não está aberto e não foi possível abri-lo.",
    "This TotalVoice account is disabled. Contact TotalVoice support.":
        "Esta conta TotalVoice está desativada. Fale com o suporte da TotalVoice.",
    "'{url}' is not an API address: use a plain https:// address such as {example}.":
        "'{url}' não é um endereço de API: use um endereço https:// simples, como {example}.",
    # --- phone numbers ------------------------------------------------------------
    "There is no number to call.": "Não há número para ligar.",
    "'{text}' has letters; a phone number has only digits.":
        "'{text}' tem letras; um número de telefone só tem dígitos.",
    "'{text}' is not a phone number.": "'{text}' não é um número de telefone.",
    "'{text}' is too short to be a phone number.":
        "'{text}' é curto demais para ser um número de telefone.",
    "'{text}' is too long to be a phone number.":
        "'{text}' é longo demais para ser um número de telefone.",
    "'{text}' is not a valid phone number.": "'{text}' não é um número de telefone válido.",
    # --- phone numbers (extraction) -------------------------------------------------
    "'{text}' is a SIP address, not a phone number.":
        "'{text}' é um endereço SIP, não um número de telefone.",
    "The text has characters that are never part of a phone number, such as ; | ` or $(. "
    "Copy just the number.":
        "O texto tem caracteres que nunca fazem parte de um número de telefone, como ; | ` ou $(. "
        "Copie só o número.",
    "No valid phone number was found in '{text}'.":
        "Nenhum número de telefone válido foi encontrado em '{text}'.",
    "'{text}' has more than one phone number; copy just the one to call.":
        "'{text}' tem mais de um número de telefone; copie só o que você quer ligar.",
    "The text has hidden control characters; type the number or copy it again.":
        "O texto tem caracteres de controle ocultos; digite o número ou copie-o de novo.",
    "The text has digits or symbols that only look like 0-9 (such as Arabic-Indic or "
    "full-width ones); type the number with plain digits.":
        "O texto tem dígitos ou símbolos que só se parecem com 0-9 (como os arábicos ou os "
        "de largura total); digite o número com dígitos comuns.",
    # --- desktop integration ---
    "{tool} did not finish within {seconds} seconds.":
        "{tool} não terminou em {seconds} segundos.",
    "Could not run {tool}: {reason}": "Não foi possível executar {tool}: {reason}",
    "{tool} failed (exit status {status}). {message}":
        "{tool} falhou (código de saída {status}). {message}",
    "Wrote {path}.": "Gravado {path}.",
    "Desktop entry: {path}": "Atalho do tvdesk: {path}",
    "There is no tvdesk desktop entry in {folder}.": "Não há atalho do tvdesk em {folder}.",
    "Set tvdesk as the default for tel: and callto: links with xdg-mime.":
        "O tvdesk agora é o padrão para links tel: e callto: (via xdg-mime).",
    "Your desktop still prefers another program; choose tvdesk for tel: links in its "
    "Default Applications settings.":
        "Seu ambiente de trabalho ainda prefere outro programa; escolha o tvdesk para links "
        "tel: nas configurações de aplicativos padrão.",
    "Removed {path}.": "Removido {path}.",
    "Removed tvdesk from the default programs in {path}.":
        "O tvdesk foi retirado dos programas padrão em {path}.",
    "tvdesk was not registered for tel: and callto: links; nothing to remove.":
        "O tvdesk não estava registrado para links tel: e callto:; nada a remover.",
    "{scheme}: links open in tvdesk.": "{scheme}: os links abrem no tvdesk.",
    "Could not update {path}: {reason}": "Não foi possível atualizar {path}: {reason}",
    "Could not write {path}: {reason}": "Não foi possível gravar {path}: {reason}",
    "{scheme}: links open with {program}.": "{scheme}: os links abrem com {program}.",
    "{scheme}: no program is set to open these links.":
        "{scheme}: nenhum programa está definido para abrir esses links.",
    "xdg-mime did not work, so tvdesk wrote the defaults into {path} itself.":
        "O xdg-mime não funcionou; o próprio tvdesk gravou os padrões em {path}.",
    "xdg-mime is not installed (package xdg-utils), so tvdesk wrote the defaults into "
    "{path} itself.":
        "O xdg-mime não está instalado (pacote xdg-utils); o próprio tvdesk gravou os "
        "padrões em {path}.",
    "Could not remove {path}: {reason}": "Não foi possível remover {path}: {reason}",
    "On macOS, tvdesk.app declares tel: and callto: in its Info.plist; macOS registers it "
    "when the app is in Applications. Choose tvdesk as the app for calls in FaceTime > "
    "Settings > Default for calls.":
        "No macOS, o tvdesk.app declara tel: e callto: no seu Info.plist; o macOS o registra "
        "quando o app está em Aplicativos. Escolha o tvdesk como app para chamadas em "
        "FaceTime > Ajustes > Padrão para chamadas.",
    "tvdesk cannot tell from here whether macOS uses it for these links.":
        "O tvdesk não consegue saber daqui se o macOS o usa para esses links.",
    "Nothing to install on macOS: copy tvdesk.app to Applications.":
        "Nada a instalar no macOS: copie o tvdesk.app para Aplicativos.",
    "Nothing to remove on macOS: move tvdesk.app to the Trash to stop it handling links.":
        "Nada a remover no macOS: mova o tvdesk.app para o Lixo para que ele deixe de "
        "abrir links.",
    "tvdesk runs from {bundle}; its Info.plist declares tel: and callto: links.":
        "O tvdesk roda a partir de {bundle}; o Info.plist dele declara links tel: e callto:.",
    "This tvdesk is not running from tvdesk.app, so macOS cannot send tel: and callto: "
    "links to it.":
        "Este tvdesk não está rodando a partir do tvdesk.app, então o macOS não pode "
        "enviar links tel: e callto: para ele.",
    "tvdesk is registered for tel: and callto: links for this Windows user.":
        "O tvdesk está registrado para links tel: e callto: para este usuário do Windows.",
    "Windows asks you to confirm the choice: open Settings > Apps > Default apps ({uri}), "
    "pick tvdesk, and choose it for TEL and CALLTO.":
        "O Windows pede que você confirme a escolha: abra Configurações > Aplicativos > "
        "Aplicativos padrão ({uri}), escolha o tvdesk e selecione-o para TEL e CALLTO.",
    "Removed tvdesk's registration for tel: and callto: links.":
        "O registro do tvdesk para links tel: e callto: foi removido.",
    "Could not read the Windows registry: {reason}":
        "Não foi possível ler o registro do Windows: {reason}",
    "tvdesk's registration is incomplete or points at another copy of tvdesk; run "
    "'tvdesk integrate install' again.":
        "O registro do tvdesk está incompleto ou aponta para outra cópia do tvdesk; rode "
        "'tvdesk integrate install' de novo.",
    "tvdesk is not registered for tel: and callto: links.":
        "O tvdesk não está registrado para links tel: e callto:.",
    "Could not write to the Windows registry: {reason}":
        "Não foi possível gravar no registro do Windows: {reason}",
    "Could not change the Windows registry: {reason}":
        "Não foi possível alterar o registro do Windows: {reason}",
    "{scheme}: left {key} alone; another program handles these links now.":
        "{scheme}: {key} ficou como estava; outro programa abre esses links agora.",
    # --- dialling from anywhere: clipboard, links, confirmation, quick dial ---
    "make tvdesk the handler of tel: and callto: links":
        "faz do tvdesk o programa que abre links tel: e callto:",
    "call the number on the clipboard of the running app":
        "liga para o número na área de transferência do app aberto",
    "dial without asking for confirmation (scripts, CRM integrations)":
        "disca sem pedir confirmação (scripts, integrações com CRM)",
    "the number on the clipboard": "o número da área de transferência",
    "tvdesk asks you to confirm the call to {number}.":
        "O tvdesk pede que você confirme a ligação para {number}.",
    "give a number or --clipboard, not both": "informe um número ou --clipboard, não os dois",
    "give the number to call, or --clipboard": "informe o número para ligar, ou --clipboard",
    "a link must be the last argument; nothing may follow it":
        "um link precisa ser o último argumento; nada pode vir depois dele",
    "a link cannot be combined with a command": "um link não pode ser combinado com um comando",
    "another tvdesk holds the lock but does not answer; if it hangs, end it and start again.":
        "outro tvdesk está com a trava mas não responde; se estiver travado, encerre-o e "
        "abra de novo.",
    "Redial last": "Rediscar o último",
    "Clear history": "Limpar histórico",
    "Recent calls": "Ligações recentes",
    "Favourites": "Favoritos",
    "Ask before calling a number from a link, the hotkey or the command line":
        "Perguntar antes de ligar para um número vindo de um link, do atalho ou da linha "
        "de comando",
    "Global hotkey: call the number on the clipboard":
        "Atalho global: ligar para o número da área de transferência",
    "Phone numbers from": "Números de telefone de",
    "Recent calls kept": "Ligações recentes guardadas",
    "Name": "Nome",
    "Number": "Número",
    "Favourite {number} needs a name.": "O favorito {number} precisa de um nome.",
    "Favourite {name}: {reason}": "Favorito {name}: {reason}",
    "The clipboard holds no number to call.": "A área de transferência não tem número para ligar.",
    "No calls yet.": "Nenhuma ligação ainda.",
    "The settings file was damaged and has been set aside ({path}); tvdesk "
    "restored the last good copy.":
        "O arquivo de configurações estava danificado e foi guardado à parte ({path}); o "
        "tvdesk restaurou a última cópia boa.",
    "Could not save the call history: {reason}":
        "Não foi possível salvar o histórico de ligações: {reason}",
    "These settings cannot be saved; the last saved ones stay.":
        "Estas configurações não podem ser salvas; ficam as últimas salvas.",
    "The call history file was damaged and has been set aside; older calls may be missing.":
        "O arquivo do histórico de ligações estava danificado e foi guardado à parte; "
        "ligações antigas podem faltar.",
    "Call the number on the clipboard": "Ligar para o número da área de transferência",
    "Call {number}": "Ligar para {number}",
    "Redial {number}": "Rediscar {number}",
    "Calls from outside tvdesk need a confirmation, and none can be shown.":
        "Ligações vindas de fora do tvdesk precisam de confirmação, e nenhuma pode ser "
        "mostrada.",
    "Call cancelled.": "Ligação cancelada.",
    "{number} — {when} · ext. {ramal}": "{number} — {when} · ramal {ramal}",
    "Wayland does not let applications register global hotkeys. Bind a shortcut "
    "to 'tvdesk dial --clipboard' in your desktop's keyboard settings instead.":
        "O Wayland não deixa aplicativos registrarem atalhos globais. Crie um atalho para "
        "'tvdesk dial --clipboard' nas configurações de teclado do seu desktop.",
    "Global hotkeys need a graphical (X11) session.":
        "Atalhos globais precisam de uma sessão gráfica (X11).",
    "Global hotkeys are not available on this system.":
        "Atalhos globais não estão disponíveis neste sistema.",
    "'{keys}' cannot be a global hotkey: use a modifier plus a key, e.g. Ctrl+Alt+D.":
        "'{keys}' não pode ser um atalho global: use um modificador e uma tecla, ex.: "
        "Ctrl+Alt+D.",
    "The hotkey {keys} could not be registered.": "O atalho {keys} não pôde ser registrado.",
    "a link": "um link",
    "the command line": "a linha de comando",
    "the clipboard hotkey": "o atalho da área de transferência",
    "the clipboard": "a área de transferência",
    "Confirm call — tvdesk": "Confirmar ligação — tvdesk",
    "Call {number}?": "Ligar para {number}?",
    "From extension {ramal}. The number came from {source}.":
        "Pelo ramal {ramal}. O número veio de {source}.",
    "This is a premium-rate number: calls to it cost more.":
        "Este é um número de tarifa especial: ligações para ele custam mais.",
    # --- call bar and ringing window ---
    "Transfer call — tvdesk": "Transferir ligação — tvdesk",
    "Number or extension": "Número ou ramal",
    "Number to transfer the call to": "Número para onde transferir a ligação",
    "Transfer": "Transferir",
    "Transfer the call now": "Transferir a ligação agora",
    "Send the call to this number now": "Passar a ligação para este número agora",
    "Attended": "Consultar primeiro",
    "Talk to them first, then transfer": "Falar com a pessoa antes de transferir",
    "Cancel": "Cancelar",
    "Call controls": "Controles da ligação",
    "Call duration": "Duração da ligação",
    "Other party": "Interlocutor",
    "Number to call": "Número para ligar",
    "Call the number": "Ligar para o número",
    "Mute": "Mudo",
    "Mute the microphone": "Silenciar o microfone",
    "Unmute the microphone": "Reativar o microfone",
    "Keypad": "Teclado",
    "Show the keypad": "Mostrar o teclado",
    "Send tone {digit}": "Enviar tom {digit}",
    "Transfer the call": "Transferir a ligação",
    "Transfer to:": "Transferir para:",
    "Transfer to {number}": "Transferir para {number}",
    "Record": "Gravar",
    "Record the call": "Gravar a ligação",
    "Stop recording the call": "Parar de gravar a ligação",
    "Hang up": "Desligar",
    "Call state: {state}": "Estado da ligação: {state}",
    "Incoming call — tvdesk": "Chamada recebida — tvdesk",
    "Incoming call from {caller}": "Ligação recebida de {caller}",
    "to extension {ramal}": "para o ramal {ramal}",
    "Answer": "Atender",
    "Answer the call from {caller}": "Atender a ligação de {caller}",
    "Decline": "Recusar",
    "Decline the call from {caller}": "Recusar a ligação de {caller}",
    "Unknown number": "Número desconhecido",
    # --- webphone types: embedded panel, background phones, Do Not Disturb ---
    "No call on the embedded webphone. Pick an extension whose type is embedded and press "
    "Call.":
        "Nenhuma ligação no webphone embutido. Escolha um ramal do tipo embutido e clique "
        "em Ligar.",
    "decline them": "recusá-las",
    "let them ring out unanswered": "deixar tocar sem atender",
    "Incoming calls in Do Not Disturb": "Ligações recebidas em Não perturbe",
    "window": "janela",
    "in the main window": "na janela principal",
    "background + call bar": "em segundo plano + barra de ligação",
    "Webphone": "Webphone",
    "Do not disturb": "Não perturbe",
    "Call controls of {extension}": "Controles de ligação do ramal {extension}",
    "connected": "conectado",
    "connecting…": "conectando…",
    "connection error": "erro de conexão",
    "do not disturb": "não perturbe",
    "Extension {ramal} — tvdesk": "Ramal {ramal} — tvdesk",
    "Incoming call from {caller} on extension {ramal}":
        "Ligação recebida de {caller} no ramal {ramal}",
    "Missed call from {caller}": "Ligação perdida de {caller}",
    "Extension {ramal}: {error}": "Ramal {ramal}: {error}",
    "The background phone of extension {ramal} is not connected yet. Try again in a moment.":
        "O telefone em segundo plano do ramal {ramal} ainda não está conectado. Tente de novo "
        "em instantes.",
    "That number cannot be dialled.": "Esse número não pode ser discado.",
    "Missed: {call}": "Perdida: {call}",
    "Received: {call}": "Recebida: {call}",
    "seconds an incoming call rings before it is missed (0: forever)":
        "segundos que uma ligação recebida toca antes de ser perdida (0: para sempre)",
    "internet: {internet} · computer: {computer}": "internet: {internet} · computador: {computer}",
    "in the queue": "na fila",
    "paused in the queue": "em pausa na fila",
    "out of the queue": "fora da fila",
    "Go offline": "Ficar offline",
    "Go online": "Ficar online",
    # --- about and diagnostics ---
    "About tvdesk": "Sobre o tvdesk",
    "About": "Sobre",
    "(demo sandbox)": "(sandbox de demonstração)",
    "Keyring": "Chaveiro",
    "Settings": "Configurações",
    "Logs": "Logs",
    "Data": "Dados",
    "Copy diagnostics": "Copiar diagnóstico",
    "Diagnostics copied, with every secret masked. Paste them into your message to support.":
        "Diagnóstico copiado, com todos os segredos mascarados. Cole-o na sua mensagem ao "
        "suporte.",
    # --- autostart ---
    "Autostart entry: {path}": "Entrada de início automático: {path}",
    "Registry value \"{name}\" in HKEY_CURRENT_USER\\{key}":
        "Valor \"{name}\" do registro em HKEY_CURRENT_USER\\{key}",
    "Launch agent: {path} (macOS reads it at your next login)":
        "Agente de inicialização: {path} (o macOS o lê no seu próximo login)",
    "{folder} is a file, but it must be a folder (rename or remove that file)":
        "{folder} é um arquivo, mas deveria ser uma pasta (renomeie ou remova esse arquivo)",
    "{path} already exists and was not made by tvdesk, so tvdesk leaves it alone. Rename or "
    "remove it, then try again.":
        "{path} já existe e não foi criado pelo tvdesk, por isso o tvdesk não mexe nele. "
        "Renomeie ou remova esse arquivo e tente de novo.",
    "Open tvdesk at login": "Abrir o tvdesk ao entrar na sessão",
    "Language": "Idioma",
    "Automatic (system)": "Automático (sistema)",
    "Language changes take effect the next time tvdesk starts.":
        "A mudança de idioma vale a partir da próxima vez que o tvdesk abrir.",
}
