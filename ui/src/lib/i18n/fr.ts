// French: every word of the window, as a French user expects it. Typography: a no-break space
// (U+00A0) before « : », a narrow one (U+202F) before « ; », « ? » and « ! », no-break spaces
// inside guillemets; written as escapes so that they show in review.

import type { OfferReason, Period, Problem, ProxyProblem } from "../bindings";
import type { Catalogue, ProblemTexts } from "./catalogue";
import { nationalHours } from "../energy/costs";
import { formats } from "./format";
import { describeShortcut, type KeyNames } from "../hotkeys";

const keyNames: KeyNames = { control: "Ctrl", alt: "Alt", shift: "Maj", super: "Super" };
const shortcut = (typed: string) => describeShortcut(typed, keyNames);

const f = formats("fr");
const seconds = f.seconds;
const secs = (n: number) => `${f.number(n)}\u00a0s`;
/** Technical details (an operating system's or a server's own words) are shown as they are. */
const because = (detail: string) => (detail === "" ? "" : ` (${detail})`);

const periods: Record<Period, string> = {
  base: "Base",
  hp: "Heures pleines",
  hc: "Heures creuses",
  blue_hp: "Jour bleu, heures pleines",
  blue_hc: "Jour bleu, heures creuses",
  white_hp: "Jour blanc, heures pleines",
  white_hc: "Jour blanc, heures creuses",
  red_hp: "Jour rouge, heures pleines",
  red_hc: "Jour rouge, heures creuses",
};
const period = (p: Period | null) => (p === null ? "une période" : periods[p]);

const offerProblems: Record<OfferReason, (p: Extract<Problem, { kind: "energy_offer" }>) => string> = {
  bad_price: (p) =>
    `Ce n’est pas un prix par kWh\u00a0: «\u00a0${p.value ?? ""}\u00a0». Écrivez-le en euros, par exemple 0,1952.`,
  bad_subscription: (p) => `Ce n’est pas un montant en euros et centimes\u00a0: «\u00a0${p.value ?? ""}\u00a0», par exemple 15,65.`,
  missing_price: (p) => `Saisissez le prix des ${period(p.period).toLowerCase()}.`,
  extra_price: (p) => `${period(p.period)}\u00a0: ce n’est pas une période de cette option.`,
  bad_time: (p) => `Ce n’est pas une heure pile ou une demi-heure (HH:MM)\u00a0: «\u00a0${p.value ?? ""}\u00a0».`,
  no_window: () => "Saisissez au moins une plage d’heures creuses.",
  no_version: () => "Ces heures creuses ne sont plus dans la liste.",
};

const proxyProblems: Record<ProxyProblem, string> = {
  malformed: "Ce n’est pas une adresse web complète\u00a0: elle commence par https://.",
  not_https:
    "Le proxy doit être joint en https. Le http simple n’est accepté que sur cet ordinateur (localhost, 127.0.0.1, ::1).",
  scheme: "L’adresse du proxy commence par https://.",
  credentials: "Retirez de l’adresse tout nom d’utilisateur ou mot de passe.",
  no_client_id: "Saisissez l’identifiant client que vous a donné l’exploitant du proxy.",
};

const callbackProblems: Catalogue["callbackProblems"] = {
  too_long: () => "L’adresse est trop longue.",
  malformed: () =>
    "Ce n’est pas une adresse web complète\u00a0: collez tout le contenu de la barre d’adresse.",
  wrong_redirect: () => "Cette adresse n’est pas la redirection de connexion qu’attend Hearth.",
  missing_parameter: (parameter) => `Le paramètre «\u00a0${parameter}\u00a0» manque.`,
  duplicate_parameter: (parameter) =>
    `Le paramètre «\u00a0${parameter}\u00a0» apparaît plus d’une fois.`,
  invalid_parameter: (parameter) => `Le paramètre «\u00a0${parameter}\u00a0» n’est pas valide.`,
  code_and_error: () => "La réponse contient à la fois un code et une erreur.",
  wrong_state: () =>
    "Cette réponse appartient à une autre connexion (ancienne ou falsifiée)\u00a0: Hearth l’a ignorée.",
  no_flow_waiting: () => "Aucune connexion n’attend de réponse.",
};

const problems: ProblemTexts = {
  unreachable: (p) => `Impossible de joindre le pont à l’adresse ${p.address}${because(p.detail)}.`,
  timeout: (p) => `Le pont à l’adresse ${p.address} n’a pas répondu en ${seconds(p.after_ms)}.`,
  certificate_changed: (p) =>
    `Le certificat du pont ${p.bridge_id} a changé\u00a0: Hearth faisait confiance à ${p.pinned} lors de ` +
    `l’appairage et voit maintenant ${p.found}. Si le pont a été réinitialisé ou remplacé, oubliez-le ` +
    `et appairez-le de nouveau\u202f; sinon, un autre appareil répond à sa place.`,
  wrong_bridge: (p) =>
    `Le pont qui répond est ${p.found}, et non ${p.expected}\u00a0: un autre appareil répond à sa place.`,
  certificate_untrusted: (p) =>
    `Le certificat du pont (${p.found}) n’est pas signé par Signify et n’a jamais été approuvé\u00a0: appairez le pont pour l’approuver.`,
  certificate_unreadable: (p) => `Le certificat du pont est illisible${because(p.detail)}.`,
  unauthorized: () => "Le pont n’accepte plus la clé d’application de Hearth\u00a0: appairez-le de nouveau.",
  resource_gone: (p) => `Le pont n’a pas de ressource ${p.resource} d’identifiant ${p.id}.`,
  busy: (p) =>
    `Le pont est occupé (HTTP ${p.status}) et refuse toujours après ${f.number(p.attempts)} tentatives.`,
  rejected: (p) => `Le pont a refusé la demande${because(p.detail)}.`,
  http: (p) => `Le pont a répondu HTTP ${p.status}${because(p.detail)}.`,
  malformed: (p) => `Le pont a envoyé une réponse que Hearth ne sait pas lire (${p.context})${because(p.detail)}.`,
  bridge_error: (p) => `Le pont a signalé une erreur${because(p.detail)}.`,
  link_button: () => "Le bouton de liaison du pont n’a pas été pressé.",
  not_available: (p) => `${p.what}\u00a0: indisponible par cette connexion.`,
  bad_address: (p) =>
    `«\u00a0${p.address}\u00a0» n’est pas une adresse de pont (un nom d’hôte ou une adresse IP, avec un :port facultatif).`,
  stream_silent: (p) => `Le flux d’événements du pont est resté muet pendant ${seconds(p.after_ms)}.`,
  closed: () => "La connexion au pont a été fermée.",
  remote_not_linked: () => "L’accès à distance n’est pas lié\u00a0: liez-le d’abord.",
  remote_relink: () => "L’accès à distance a expiré ou a été révoqué\u00a0: liez-le de nouveau.",
  remote_token: (p) => `Impossible d’obtenir un jeton d’accès à distance${because(p.detail)}.`,
  button_not_pressed: (p) =>
    `Le bouton de liaison n’a pas été pressé dans les ${secs(p.seconds)}\u00a0: appuyez sur le bouton rond sur le dessus du pont, puis appairez de nouveau.`,
  cancelled: () => "Annulé.",
  no_bridge: () => "Aucun pont n’est encore appairé\u00a0: appairez-en un d’abord.",
  unknown_bridge: (p) => `Aucun pont appairé ne correspond à «\u00a0${p.bridge}\u00a0».`,
  not_connected: (p) => `Le pont ${p.bridge} n’est pas encore connecté.`,
  not_found: (p) => `Rien ne s’appelle «\u00a0${p.name}\u00a0».`,
  ambiguous: (p) => `«\u00a0${p.query}\u00a0» peut désigner\u00a0: ${p.candidates.join(", ")}.`,
  secret_store: (p) => `Le trousseau du système a échoué${because(p.detail)}.`,
  config: (p) => `Impossible d’utiliser ${p.path}${because(p.detail)}.`,
  starting: () => "Hearth est encore en train de démarrer.",
  no_home_folder: () =>
    "Ce système n’a pas de dossier personnel où garder les réglages de Hearth\u00a0: définissez HEARTH_CONFIG_DIR.",
  demo_not_running: () => "La démo n’est pas lancée.",
  demo_failed: (p) => `Le simulateur de la démo a échoué${because(p.detail)}.`,
  firmware_too_old: (p) =>
    `Le pont ${p.bridge_id} utilise l’API ${p.api_version}, antérieure à CLIP v2 (API 1.46)\u00a0: mettez à jour son micrologiciel dans l’application Hue, puis appairez-le de nouveau.`,
  no_certificate: () => "Le pont n’a présenté aucun certificat.",
  remote_not_registered: () =>
    "L’accès à distance demande l’identifiant client et le secret d’une application enregistrée sur le portail développeur Hue\u00a0: saisissez-les d’abord.",
  invalid_input: (p) => `Ce n’est pas valide${because(p.detail)}.`,
  denied: (p) => `La connexion a été refusée${because(p.detail ?? "")}.`,
  link_timeout: (p) => `Le navigateur n’a pas répondu dans les ${secs(p.seconds)}\u00a0: liez de nouveau.`,
  port_busy: (p) =>
    `Le port ${p.port} de cet ordinateur est occupé\u00a0: fermez ce qui l’utilise, ou choisissez un autre moyen.`,
  invalid_client: () =>
    "Le cloud Hue ne connaît pas cet identifiant client et ce secret\u00a0: vérifiez-les sur le portail développeur.",
  cloud_unreachable: (p) => `Impossible de joindre le cloud Hue${because(p.detail)}.`,
  oauth: (p) => `La connexion a échoué${because(p.detail)}.`,
  bad_callback: (p) => callbackProblems[p.reason](p.parameter),
  no_link_in_progress: () => "Aucune liaison n’attend de réponse\u00a0: commencez-en une d’abord.",
  remote_username: (p) => `Le pont n’a pas accordé l’accès par le cloud Hue${because(p.detail)}.`,
  energy_no_proxy: () =>
    "Aucun proxy d’énergie n’est réglé\u00a0: saisissez l’adresse d’un hearth-proxy dans les Réglages, ou essayez la démo.",
  energy_proxy_unreachable: (p) => `Impossible de joindre le proxy d’énergie${because(p.detail)}.`,
  energy_no_consent: () =>
    "Le consentement pour ce compteur a pris fin ou a été retiré\u00a0: liez-le à nouveau.",
  energy_not_holder: () =>
    "Le compte Enedis qui a consenti n’est pas titulaire du contrat de ce compteur\u00a0: liez-le depuis le compte du titulaire.",
  energy_before_activation: (p) =>
    p.activation === null
      ? "Enedis n’a pas de données d’avant la mise en service du compteur."
      : `Enedis n’a pas de données d’avant la mise en service du compteur, le ${p.activation}.`,
  energy_outage: (p) => `Enedis est indisponible\u202f; Hearth réessaie le ${f.clock(p.retry_at)}.`,
  energy_quota: (p) =>
    `Le quota Enedis de ce proxy est épuisé\u202f; Hearth réessaie le ${f.clock(p.retry_at)}.`,
  energy_offer: (p) => offerProblems[p.reason](p),
  energy_no_subscribed_power: () =>
    "La puissance souscrite du compteur n’est pas encore connue, et les prix réglementés en dépendent\u00a0: Hearth la lit dans le contrat à la prochaine mise à jour.",
  energy_nothing_to_compare: () =>
    "Aucune courbe de charge des 12 derniers mois pour comparer les offres\u00a0: la comparaison a besoin de la consommation par demi-heure.",
  proxy_setting: (p) => proxyProblems[p.reason],
  hotkey_taken: (p) =>
    `Une autre application utilise déjà ${shortcut(p.shortcut)}\u00a0: choisissez une autre combinaison, ou libérez-la dans cette application.`,
  hotkey_bound: (p) =>
    `${shortcut(p.shortcut)} est déjà un raccourci de Hearth pour une autre action\u00a0: retirez celui-là d’abord.`,
  hotkey_invalid: (p) =>
    `${shortcut(p.shortcut)} ne peut pas être un raccourci\u00a0: une touche qui écrit demande Ctrl, Alt ou Super avec elle.`,
  hotkeys_unavailable: () => "Cette session de bureau ne donne pas de raccourcis clavier aux applications.",
  browser: (p) => `Impossible d’ouvrir le navigateur${because(p.detail)}.`,
  launch_at_login: (p) => `Impossible de changer le lancement à l’ouverture de session${because(p.detail)}.`,
  internal: (p) => `Une erreur s’est produite dans Hearth${because(p.detail)}.`,
};

export const fr: Catalogue = {
  locale: "fr",
  somethingWentWrong: "Une erreur s’est produite.",
  callbackProblems,
  problems,
  controls: {
    temperatureOf: (name: string) => `Blanc de ${name}, du chaud au froid`,
    kelvin: (kelvin: number) => `${f.number(kelvin)}\u00a0K`,
    warm: "Chaud",
    cold: "Froid",
    colourOf: (name: string) => `Couleur de ${name}`,
    colourValue: (x: number, y: number) => `x ${f.coordinate(x)}\u202f; y ${f.coordinate(y)}`,
    colourHelp: "Les flèches déplacent la couleur\u202f; avec Maj, elles la déplacent plus loin.",
    adjust: (name: string) => `Régler ${name}`,
    pickColour: (name: string) => `Choisir une couleur pour ${name}`,
    scenesOf: (name: string) => `Scènes de ${name}`,
    otherScenes: "Autres scènes",
  },
  app: {
    demo: "Démo",
    simulatedBridge: (address: string) => `Pont simulé à l’adresse ${address}`,
    screens: { lights: "Lumières", remote: "Lien à distance", energy: "Énergie", settings: "Paramètres" },
    screensLabel: "Écrans",
    dismiss: "Fermer",
    notices: "Avis",
    noLinkYet: "Aucun lien reçu pour l’instant.",
    language: "Langue",
    languages: { system: "Système", en: "English", fr: "Français" },
  },
  about: {
    open: "À propos",
    title: (name: string) => `À propos de ${name}`,
    close: "Fermer",
    version: "Version",
    configDir: "Dossier des réglages",
    dataDir: "Dossier des données",
    logDir: "Dossier des journaux",
    energyHistory: "Historique des relevés",
    unknown: "Inconnu",
    demoBridge: "Pont simulé",
    demoCloud: "Cloud Hue simulé",
    lastLink: "Dernier lien reçu",
  },
  links: {
    opened: "Hearth ouvert",
    openedScreen: (screen: string) => `Écran «\u00a0${screen}\u00a0» ouvert`,
    callback: "Retour de connexion reçu",
    notCompleted: (error: string) => `La connexion n’a pas abouti (${error})`,
    energySetup: "Réglages d’un proxy d’énergie reçus",
    setupTitle: "Utiliser ce proxy d’énergie\u00a0?",
    setupBody: (url: string, clientId: string) =>
      `Un lien demande à Hearth de lire votre compteur Linky par le proxy ${url} (identifiant client «\u00a0${clientId}\u00a0»). Ne l’acceptez que si vous faites confiance à qui le fait tourner.`,
    setupAccept: "Utiliser ce proxy",
    setupIgnore: "Ignorer",
  },
  connection: {
    connecting: "Connexion…",
    live: "Connecté",
    reconnecting: (attempt: number, problem: string) =>
      `Reconnexion (tentative ${f.number(attempt)})\u00a0: ${problem}`,
    offline: (problem: string) => `Hors ligne\u00a0: ${problem}`,
  },
  receivers: {
    "deep-link": "un lien hearth://",
    "loopback-http": "une page locale (http://localhost)",
    "loopback-https": "une page locale (https://localhost)",
    paste: "l’adresse collée",
  },
  account: {
    notLinked: "Non lié",
    renewing: "Lié\u202f; l’accès est en cours de renouvellement",
    linked: "Lié",
    validFor: (days: number, until: Date) =>
      `Lié (accès actuel valable encore ${f.number(days)} ${f.plural(days) === "one" ? "jour" : "jours"}, ` +
      `jusqu’au ${f.dateTime(until)}, renouvelé automatiquement)`,
    renewedByItself: "Lié (renouvelé automatiquement)",
    needsRelink: "Le lien a expiré ou a été révoqué\u00a0: liez de nouveau",
    saveFailed:
      "Lié, mais l’accès renouvelé n’a pas encore pu être enregistré (le précédent fonctionne toujours)",
  },
  confirm: {
    cancel: "Annuler",
  },
  favourites: {
    star: (name: string) => `Favori\u00a0: ${name}`,
    scene: (scene: string, group: string | null) => (group === null ? scene : `${scene} (${group})`),
    title: "Favoris",
    intro: "Ce que vous marquez d’une étoile sur l’écran Lumières vient en premier dans le menu de la zone de notification.",
    none: "Aucun favori pour l’instant\u00a0: marquez d’une étoile une pièce, une zone ou une scène sur l’écran Lumières.",
    remove: (name: string) => `Retirer ${name} des favoris`,
    removeShort: "Retirer",
    kinds: { room: "Pièce", zone: "Zone", scene: "Scène" },
  },
  hotkeys: {
    title: "Raccourcis clavier",
    intro: "Un raccourci fonctionne quelle que soit l’application qui a le clavier, fenêtre de Hearth cachée aussi.",
    wayland:
      "Cette session de bureau (Wayland) ne permet pas aux applications d’avoir leurs propres " +
      "raccourcis clavier\u00a0: seuls les réglages clavier du bureau peuvent y associer des touches.",
    noDisplay: "Aucun écran d’où recevoir les touches\u00a0: les raccourcis clavier ne sont pas disponibles.",
    action: "Action",
    allOff: "Éteindre tout",
    toggle: (name: string) => `Allumer ou éteindre ${name}`,
    scene: (name: string) => `Scène ${name}`,
    gone: "un élément qui n’est plus sur le pont",
    record: "Enregistrer un raccourci",
    recording: "Appuyez sur les touches du raccourci… (Échap pour annuler)",
    cancelled: "Aucun raccourci enregistré.",
    bound: (keys: string, action: string) => `${keys} fait désormais\u00a0: ${action}`,
    list: "Raccourcis",
    none: "Aucun raccourci pour l’instant.",
    inactive: "inactif\u00a0: une autre application l’utilise",
    remove: (keys: string) => `Retirer ${keys}`,
    removeShort: "Retirer",
    keys: keyNames,
  },
  lights: {
    title: "Lumières",
    cannotOpen: (problem: string) => `Hearth n’a pas pu ouvrir vos lumières\u00a0: ${problem}`,
    starting: "Démarrage…",
    viaRemote: "par le cloud Hue",
    viaLocal: "sur ce réseau",
    forget: "Oublier",
    forgetQuestion: (bridge: string) => `Oublier ${bridge}\u202f? Il faudra l’appairer de nouveau.`,
    allOff: "Éteindre tout",
    addBridge: "Ajouter un pont",
    rooms: "Pièces",
    zones: "Zones",
  },
  group: {
    noLights: "Aucune lumière",
    lightsOn: (lit: number, total: number) =>
      `${f.number(lit)} sur ${f.number(total)} ${f.plural(lit) === "one" ? "allumée" : "allumées"}`,
    turnOn: (name: string) => `${name}\u00a0: allumer`,
    turnOff: (name: string) => `${name}\u00a0: éteindre`,
    brightnessOf: (name: string) => `Luminosité de ${name}`,
    brightness: (percent: number) => f.percent(percent),
    lights: "Lumières",
    unreachable: "injoignable",
  },
  setup: {
    title: "Connecter un pont Hue",
    sources: {
      mdns: "le réseau local (mDNS)",
      cloud: "le service de découverte Hue",
      manual: "son adresse",
    },
    noAnswerAt: (addresses: string) => `Aucun pont Hue n’a répondu à ${addresses}.`,
    noneFound:
      "Aucun pont trouvé. Saisissez son adresse (l’application Hue l’indique dans Paramètres → Ponts).",
    pressButton: "Appuyez sur le bouton rond de liaison, sur le dessus de votre pont.",
    timeLeft: "Temps restant pour appuyer sur le bouton",
    secondsLeft: (left: number) => `encore ${secs(left)}`,
    contacting: (address: string) => `Connexion à ${address}…`,
    signedBySignify: "son certificat est signé par Signify, le fabricant des ponts Hue.",
    notSignedBySignify:
      "son certificat n’est pas signé par Signify\u202f; Hearth fera confiance à celui-ci et refusera tout autre\u00a0:",
    cancel: "Annuler",
    search: "Rechercher sur le réseau",
    searching: "Recherche…",
    addressPlaceholder: "Adresse du pont, p. ex. 192.168.1.20",
    addressLabel: "Adresse du pont",
    lookThere: "Chercher ici",
    foundBy: (sources: string) => `trouvé par ${sources}`,
    pair: "Appairer",
    searchProblems: "Ce qui n’a pas marché pendant la recherche",
    noBridgeAtHand: "Pas de pont sous la main\u202f? La démo en simule un, sur cet ordinateur seulement.",
    startingDemo: "Lancement de la démo…",
    tryDemo: "Essayer la démo",
    close: "Fermer",
  },
  energy: {
    title: "Énergie",
    loading: "Chargement…",
    noProxyTitle: "Lire votre compteur Linky par un proxy",
    noProxy:
      "Enedis ne laisse lire un compteur qu’aux applications enregistrées\u00a0: Hearth passe donc par un hearth-proxy qui détient un tel enregistrement. Saisissez son adresse et son identifiant client dans les Réglages.",
    runYourOwn:
      "Faites tourner le vôtre\u00a0: hearth-proxy fait partie de Hearth\u202f; lancez-le sur un ordinateur ou un serveur à vous avec votre enregistrement Enedis Data Connect (son README explique comment).",
    community:
      "Ou utilisez un proxy qu’une personne fait tourner pour une communauté, comme les utilisateurs du plugin Linky de Domoticz\u00a0: son responsable vous donne son adresse et son identifiant client.",
    demoOffer: "Ou faites d’abord le tour\u00a0: la démo simule Enedis et un foyer, sur cet ordinateur seulement.",
    tryDemo: "Essayer la démo",
    startingDemo: "Démarrage de la démo…",
    demo: "Enedis simulé (démo)",
    through: (url: string) => `Par ${url}`,
    notLinked: "Aucun compteur n’est encore lié.",
    notLinkedHelp:
      "Vous donnez votre accord dans votre navigateur, sur l’espace client Enedis\u00a0: Hearth ne voit jamais votre mot de passe Enedis. Chaque compteur se lie séparément.",
    link: "Lier mon compteur Linky",
    linkAnother: "Lier un autre compteur",
    linkTitle: "Lier mon compteur Linky",
    starting: "Demande d’un code au proxy…",
    inBrowser:
      "Votre navigateur a ouvert la page du proxy\u00a0: donnez votre accord là-bas, ou scannez le code avec votre téléphone.",
    code: "Votre code",
    codeHelp: (page: string) => `Si une page demande un code, saisissez celui-ci sur ${page}.`,
    qr: "QR code de la page de liaison, pour un téléphone",
    expiresIn: (time: string) => `Le code expire dans ${time}.`,
    timeLeft: "Temps restant pour donner votre accord",
    waiting: "En attente de votre accord…",
    openAgain: "Rouvrir la page",
    cancel: "Annuler",
    approved: (prm: string) => `Lié\u00a0: compteur ${prm}. Hearth récupère son historique.`,
    refused: "Le consentement a été refusé\u00a0: aucun compteur n’a été lié.",
    expired: "Le code a expiré avant qu’on ne l’approuve.",
    failed: (problem: string) => `La liaison a échoué\u00a0: ${problem}`,
    tryAgain: "Réessayer",
    close: "Fermer",
    meters: "Compteurs",
    meter: (prm: string) => `Compteur ${prm}`,
    states: {
      linked: "Lié",
      syncing: "Récupération de l’historique",
      needs_relink: "À lier de nouveau",
    },
    progress: "Historique récupéré",
    progressValue: (done: string, total: string) => `${done} requêtes sur ${total}`,
    relinkNeeded:
      "Le consentement a pris fin ou a été retiré\u00a0: liez de nouveau ce compteur pour recevoir de nouvelles données. Son historique reste sur cet ordinateur.",
    relink: "Lier de nouveau",
    dataUntil: (day: string) => `Données jusqu’au ${day}`,
    noData: "Pas encore de données",
    nextSync: (time: string) => `prochaine mise à jour le ${time}`,
    consentUntil: (day: string) => `consentement jusqu’au ${day}`,
    consentEnding: (day: string) =>
      `Votre consentement prend fin le ${day}\u00a0: liez de nouveau ce compteur avant cette date pour continuer à recevoir les données.`,
    loadCurveOff:
      "Enedis n’envoie pas de courbe de charge pour ce compteur\u00a0: sa collecte est sans doute désactivée. Activez la «\u00a0collecte de la courbe de charge\u00a0» dans votre espace client Enedis, dans les données de votre compteur\u202f; la courbe suit dès le lendemain.",
    totals: "Ce mois-ci",
    soFar: (month: string) => `${month}, jusqu’ici`,
    sameDaysLastYear: "Mêmes jours l’an dernier",
    wholeMonth: (month: string) => `${month} en entier`,
    changeOver: (days: string) => `sur les ${days} jours connus les deux années`,
    noComparison: "Rien à comparer avec l’an dernier pour l’instant.",
    missingDays: (count: number) =>
      `${f.number(count)} ${f.plural(count) === "one" ? "jour" : "jours"} sans données`,
    consumption: "Consommation par jour",
    production: "Production par jour",
    range: "Période",
    ranges: { month: "Mois", year: "12 mois", custom: "Personnalisée" },
    earlier: "Avant",
    later: "Après",
    from: "Du",
    to: "Au",
    show: "Afficher",
    thisPeriod: "Cette période",
    lastYear: "Même période l’an dernier",
    gap: "Pas de données",
    total: (value: string, missing: string) => `Total\u00a0: ${value}${missing === "" ? "" : ` (${missing})`}`,
    chartOf: (what: string, from: string, to: string) => `${what}, du ${from} au ${to}`,
    asTable: "Voir les chiffres",
    asChart: "Voir le graphique",
    day: "Jour",
    week: "Semaine",
    previousDay: "Jour précédent",
    nextDay: "Jour suivant",
    previousWeek: "Semaine précédente",
    nextWeek: "Semaine suivante",
    curve: "Courbe de charge",
    curveOf: (day: string) => `Courbe de charge du ${day}`,
    curveHelp: "Les flèches gauche et droite changent de jour.",
    halfHours: (count: number) => `${f.number(count)} demi-heures`,
    missingHalfHours: (count: number) =>
      `${f.number(count)} ${f.plural(count) === "one" ? "demi-heure" : "demi-heures"} sans données`,
    dayEnergy: (value: string) => `${value} sur la journée`,
    weekEnergy: (value: string) => `${value} sur la semaine`,
    power: "Puissance maximale par jour",
    subscribed: (value: string) => `Puissance souscrite ${value}`,
    highest: (value: string, day: string, time: string) => `Maximum\u00a0: ${value} le ${day} à ${time}`,
    daysAbove: (count: number) =>
      `${f.number(count)} ${f.plural(count) === "one" ? "jour" : "jours"} au-dessus de la puissance souscrite`,
    columns: {
      day: "Jour",
      energy: "Énergie",
      lastYearDay: "Jour l’an dernier",
      lastYearEnergy: "Énergie l’an dernier",
      start: "Début",
      end: "Fin",
      power: "Puissance moyenne",
      peak: "Puissance maximale",
      peakTime: "À",
    },
    exportCsv: "Exporter en CSV",
    csv: {
      date: "date",
      kwh: "kWh",
      previousDate: "date l’an dernier",
      previousKwh: "kWh l’an dernier",
      start: "début",
      end: "fin",
      watts: "W",
      va: "VA",
      peakAt: "heure du maximum",
    },
    files: { consumption: "consommation", production: "production", curve: "courbe-de-charge", power: "puissance-max" },
    options: { base: "Base", hp_hc: "Heures pleines/creuses (HP/HC)", tempo: "Tempo" },
    periods,
    windowsUsed: {
      meter: "Heures creuses\u00a0: celles de votre compteur, telles qu’Enedis les donne.",
      user: "Heures creuses\u00a0: celles que vous avez saisies.",
      default: `Heures creuses\u00a0: ${nationalHours} (celles de votre compteur ne sont pas connues).`,
    },
    costs: {
      title: (month: string) => `Coûts, ${month}`,
      help: "Les flèches gauche et droite changent de mois.",
      regulated: (option: string) => `Tarif réglementé, ${option}`,
      ownOffer: (option: string) => `Votre offre, ${option}`,
      energy: "Énergie",
      subscription: "Abonnement",
      total: "Total",
      lastYear: (month: string) => `L’an dernier (${month})`,
      lastYearTotal: "Total l’an dernier",
      change: (days: number) =>
        `Écart sur les ${f.number(days)} ${f.plural(days) === "one" ? "jour chiffré" : "jours chiffrés"} les deux années`,
      pricedDays: (priced: number, unpriced: number) =>
        unpriced === 0
          ? `${f.number(priced)} ${f.plural(priced) === "one" ? "jour chiffré" : "jours chiffrés"}`
          : `${f.number(priced)} ${f.plural(priced) === "one" ? "jour chiffré" : "jours chiffrés"}, ${f.number(unpriced)} non (données ou prix manquants)`,
      lastYearPriced: (priced: string) => `L’an dernier\u00a0: ${priced}`,
      estimateNote:
        "≈ Estimation\u00a0: un jour sans courbe de charge est chiffré d’après son énergie du jour, au prix Base.",
      marks: {
        none: "Chiffré",
        estimate: "estimation",
        gap: "Pas de données",
        incomplete: "Demi-heures manquantes\u00a0: non chiffré",
        unpriced: "Prix ou couleur Tempo inconnus\u00a0: non chiffré",
      },
      previousMonth: "Mois précédent",
      nextMonth: "Mois suivant",
    },
    compare: {
      button: "Comparer les offres",
      title: "Ce qu’auraient coûté les 12 derniers mois",
      period: (from: string, to: string, prices: string) =>
        `Du ${from} au ${to}, sur votre propre courbe de charge, aux prix réglementés du ${prices}.`,
      allDays: (days: number) => `${f.number(days)} jours comparés.`,
      scaled: (days: number, range: number) =>
        `Seuls ${f.number(days)} jours sur ${f.number(range)} ont une courbe de charge complète\u00a0: l’année est extrapolée à partir d’eux.`,
      option: "Option",
      perYear: "Par an",
      difference: "Par rapport à la moins chère",
      yearly: (value: string) => `${value}/an`,
      cheapest: "La moins chère",
      more: (value: string) => `+${value}/an`,
      current: "la vôtre",
      unavailable: (options: string, kva: string) => `Non proposé à ${kva}\u00a0kVA\u00a0: ${options}.`,
      windows: {
        meter: "HP/HC est chiffré avec les heures creuses de votre compteur.",
        user: "HP/HC est chiffré avec les heures creuses que vous avez saisies.",
        default: `HP/HC est chiffré avec ${nationalHours}\u00a0: les heures creuses de votre compteur ne sont pas connues.`,
      },
      powerHint: (days: number, max: string, kva: string, saving: string | null) =>
        `Votre plus forte puissance en ${f.number(days)} jours a été de ${max}\u00a0: ${kva}\u00a0kVA suffiraient` +
        (saving === null ? "." : `, soit ${saving} d’économie par an.`),
    },
    offer: {
      title: "Votre offre",
      regulated: (option: string) => `Tarif réglementé, ${option}`,
      own: (option: string) => `Votre propre offre, ${option}`,
      assumed: "(déduite de votre contrat\u00a0: choisissez la vôtre)",
      power: (kva: string) => `Puissance souscrite ${kva}\u00a0kVA`,
      todaysPrices: "Prix du jour",
      subscription: "Abonnement",
      perMonth: (value: string) => `${value}/mois`,
      noPrices: "Aucun prix connu pour cette offre à cette puissance.",
      shipped: (day: string) => `Prix réglementés fournis avec Hearth (au ${day}).`,
      updated: (time: string) => `Prix réglementés mis à jour le ${time}.`,
      change: "Changer d’offre",
      choose: "Votre offre",
      mine: "Ma propre offre",
      option: "Option",
      pricePer: (period: string) => `${period}, € par kWh`,
      subscriptionPerMonth: "Abonnement, € par mois",
      save: "Enregistrer",
      windows: "Heures creuses",
      always: "Depuis le début",
      fromDay: (day: string) => `À partir du ${day}`,
      origins: { meter: "de votre compteur", user: "saisies par vous", default: `${nationalHours} (par défaut)` },
      edit: "Modifier",
      remove: "Retirer",
      newVersion: "Saisir des heures creuses",
      windowsFrom: "À partir du (vide pour tous les jours avant le changement suivant)",
      windowsFromHelp: "Un changement à une date garde les heures précédentes pour les jours d’avant.",
      start: "Début",
      end: "Fin",
      removeWindow: (index: number) => `Retirer la plage ${f.number(index)}`,
      addWindow: "Ajouter une plage",
      showTempo: "Afficher les couleurs Tempo dans la barre d’état quelle que soit l’offre (une offre Tempo les affiche toujours)",
    },
  },
  remote: {
    title: "Lien à distance",
    intro:
      "Commandez vos lumières quand vous n’êtes pas chez vous, par le cloud Hue. Vous vous connectez " +
      "à votre compte Hue dans votre navigateur\u00a0: Hearth ne voit jamais votre mot de passe et garde " +
      "son accès dans le trousseau du système.",
    starting: "Démarrage…",
    registerFirst:
      "D’abord, enregistrez une application sur le portail développeur Hue (My Apps) et saisissez ce " +
      "qu’il vous donne. Son URL de rappel décide comment votre navigateur renvoie la réponse\u00a0:",
    deepLinkCallback: "un lien vers Hearth",
    loopbackCallback: "une page que Hearth sert sur cet ordinateur seulement",
    otherCallback: "toute autre page, dont vous collez l’adresse",
    or: "ou",
    clientId: "Identifiant client",
    clientSecret: "Secret client",
    callbackOptional: "URL de rappel enregistrée (facultative)",
    save: "Enregistrer",
    app: "Application",
    callback: "Rappel",
    notGiven: (receiver: string) => `non indiquée\u00a0: Hearth utilise ${receiver}`,
    cloud: "Cloud",
    account: "Compte",
    bridge: "Pont",
    finishInBrowser: "Terminez dans votre navigateur\u00a0: connectez-vous à Hue et autorisez Hearth.",
    answerComesBack: (receiver: string) => `La réponse revient par ${receiver}.`,
    openAgain: "Rouvrir la page",
    cancel: "Annuler",
    pastedLabel: "L’adresse où votre navigateur s’est arrêté",
    pastePlaceholder: (redirect: string) =>
      `Collez l’adresse où votre navigateur s’est arrêté (${redirect}…)`,
    pasteFallback: "Si rien ne s’est passé, collez l’adresse où votre navigateur s’est arrêté",
    useAddress: "Utiliser cette adresse",
    finishing: "Finalisation du lien…",
    linkedTo: (bridge: string) => `Lié au pont ${bridge}.`,
    unlink: "Délier",
    link: "Lier mon compte Hue",
    answerBy: "Réponse par",
    answerHow: "Comment la réponse revient",
    automatic: (receiver: string) => `${receiver} (automatique)`,
    forgetRegistration: "Oublier l’application enregistrée",
    forgetRegistrationQuestion: "Oublier cette application et tout lien fait avec elle\u202f?",
    forget: "Oublier",
    away: "Loin de chez soi",
    awayHelp:
      "Retire le pont simulé du réseau local\u00a0: une fois lié, Hearth passe par le cloud Hue (simulé), " +
      "et revient au réseau local quand le pont revient.",
  },
  settings: {
    title: "Paramètres",
    general: "Général",
    launchAtLogin: "Lancer Hearth à l’ouverture de session",
    launchAtLoginHelp: "Il attend alors dans la zone de notification, sa fenêtre fermée.",
    launchAtLoginUnavailable: "Ce système ne permet pas de lancer Hearth à l’ouverture de session.",
    language: "Langue",
    theme: "Thème",
    themes: { system: "Système", light: "Clair", dark: "Sombre" },
    themeHelp: "Système suit le mode clair ou sombre de votre bureau, à mesure qu’il change.",
    energy: "Proxy d’énergie",
    energyIntro:
      "Les écrans d’énergie se connectent à Enedis par un proxy, qui garde les identifiants de " +
      "l’application loin de cet ordinateur. Hearth n’a pas de proxy à lui.",
    energyHowTo:
      "Pour en avoir un, lancez hearth-proxy vous-même (son README explique comment), ou demandez " +
      "son adresse et un identifiant client à quelqu’un qui en fait tourner un pour une communauté.",
    energyUsing: (url: string) => `Proxy utilisé\u00a0: ${url}.`,
    proxyUrl: "Adresse du proxy",
    proxyClientId: "Identifiant client",
    save: "Enregistrer",
    saved: "Enregistré.",
    forget: "Oublier ce proxy",
    forgetQuestion:
      "Oublier ce proxy\u202f? Les écrans d’énergie n’en auront plus tant que vous n’en saisirez pas un autre.",
    memoryOnly: "Démo\u00a0: ce que vous saisissez ici ne dure que jusqu’à la fermeture de Hearth.",
    remote: "Lien à distance",
    remoteStarting: "Démarrage…",
    remoteNotRegistered: "Pas encore configuré.",
    remoteOpen: "Ouvrir le lien à distance",
    notifications: "Notifications",
    notify: "Me prévenir quand la fenêtre de Hearth est fermée ou en arrière-plan",
    notifyHelp:
      "Quand le lien à distance doit être refait, et quand un pont est injoignable depuis plus de " +
      "5\u00a0minutes (puis quand il répond de nouveau).",
  },
};
