"""What a page says where a lesson or a piece of class work is on a sensitive topic (P19).

Three things, the same on every such page (``templates/records/includes/sensitive_topic.html``):
the ground rules to agree with the class, the distancing techniques that keep the lesson about
invented people, and the topic's own guidance from the school's list. Then the reminder that a
disclosure in class is a safeguarding concern to log today, with a link to log one.

Records never imports safeguarding: the app that takes concerns registers where they are logged
(``register_disclosure_page``, from its ``AppConfig.ready``), as other apps register flags and
notices. With none registered the reminder still says what to do, without a link.

The school's starting list of topics (``SCHOOL_TOPICS``) is put in by a data migration; the head
teacher and the safeguarding team then keep it on its own page.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

GROUND_RULES = (
    "Agree the ground rules with the class before you start, and put them where everyone can "
    "see them.",
    "No personal questions: nobody, adults included, is asked about their own life.",
    "No names or identifying stories: talk about “someone I know”, never who.",
    "Everyone has the right to pass: nobody has to answer or join in.",
    "Use the correct words (the proper names for body parts, “died” rather than “lost”); you "
    "will explain any word that is new.",
    "Listen and respect what others say, even when you disagree; no laughing at anyone.",
    "Questions box: anyone may write a question down, with no name on it, and you will answer "
    "it next lesson.",
)

DISTANCING = (
    "Use characters, stories and case studies about invented people, never pupils in the room.",
    "Ask in the third person: “What might Sam be feeling?”, “What could Sam’s friend do?”",
    "Role play with invented people and a clear step out of role afterwards.",
    "Use pictures, film clips or puppets to carry the feelings, so nobody has to speak of "
    "their own.",
)

DISCLOSURE_REMINDER = (
    "If a pupil discloses something in class, it is a safeguarding concern: log it today."
)

DISCLOSURE_ADVICE = (
    "Do not stop the pupil, but do not press them in front of the class: acknowledge what they "
    "said calmly, move the lesson on, and speak to them privately straight afterwards. Never "
    "promise to keep a secret. Write down their own words as soon as you can."
)


@dataclass(frozen=True)
class DisclosurePage:
    url_name: str
    may_use: object  # fn(user) -> bool


DISCLOSURE_PAGES: list[DisclosurePage] = []


def register_disclosure_page(url_name: str, may_use) -> None:
    """Where a disclosure in class is logged, for those ``may_use(user)`` is true of.
    Registering twice is harmless (``ready`` may run more than once in tests)."""
    if all(page.url_name != url_name for page in DISCLOSURE_PAGES):
        DISCLOSURE_PAGES.append(DisclosurePage(url_name, may_use))


def disclosure_link(user) -> str:
    """The address where this person logs a disclosure, or "" if none is registered for them."""
    for page in DISCLOSURE_PAGES:
        if page.may_use(user):
            try:
                return reverse(page.url_name)
            except NoReverseMatch:
                continue
    return ""


def guidance_for(topic, user, offered=()) -> dict:
    """Everything the guidance panel shows for ``topic`` (a ``SensitiveTopic``, or None on a
    form where none is chosen yet). ``offered``: on a form, every topic that may be chosen,
    whose own guidance the page holds ready to show when it is picked."""
    return {
        "topic": topic,
        "topics": list(offered) or ([topic] if topic else []),
        "ground_rules": GROUND_RULES,
        "distancing": DISTANCING,
        "reminder": DISCLOSURE_REMINDER,
        "advice": DISCLOSURE_ADVICE,
        "log_concern_url": disclosure_link(user),
    }


# The school's starting list (PSHE Association and DfE guidance, in brief). Kept here so the data
# migration that puts it in and a fresh test or demo database say the same.
SCHOOL_TOPICS = (
    (
        "Relationships and sex education",
        "Follow the school's RSE policy and the statutory guidance. Parents may ask to withdraw "
        "their child from sex education beyond the science curriculum (not from relationships "
        "or health education): check the list before the lesson. Answer questions honestly at "
        "the class's level; a question beyond the lesson goes in the questions box or to the "
        "parents. A question or remark suggesting a child has seen sexual content or is being "
        "harmed is a concern to log.",
    ),
    (
        "Bereavement and loss",
        "Find out beforehand whether a pupil has recently been bereaved or is facing a loss, and "
        "speak to them and their family before the lesson: they may choose how to take part. "
        "Use clear words (“died”, “dead”), not “lost” or “gone to sleep”. Have a quiet space and "
        "a named adult pupils can go to. Strong feelings may come later, not only in the lesson.",
    ),
    (
        "Self-harm and suicide",
        "Teach about feelings, coping and asking for help, never about methods: no descriptions "
        "of methods, no images and no personal stories. Ask the safeguarding team beforehand "
        "whether a pupil in the class is known to be at risk. Tell pupils where help is: a "
        "trusted adult, the school nurse, their GP, Childline on 0800 1111. Any sign that a "
        "pupil is harming themselves or thinking of suicide is a concern to log at once.",
    ),
    (
        "Drugs, alcohol and tobacco",
        "Focus on keeping safe, the influences on choices and where to get help; no shock "
        "tactics and no detail of how drugs are taken. Most young people do not smoke, drink or "
        "take drugs: say so, it corrects a common belief. Do not invite pupils to talk about "
        "their own or their family's use; a pupil affected by a parent's drinking or drug use "
        "may find the lesson hard, so ask the safeguarding team beforehand.",
    ),
    (
        "Mental health",
        "Everyone has mental health: teach how to look after it and when and how to ask for "
        "help. Avoid stereotypes and detailed descriptions of symptoms. Tell pupils who they "
        "can talk to in school and outside it (Childline on 0800 1111). A pupil who is, or "
        "seems, in distress is followed up the same day.",
    ),
    (
        "Domestic abuse",
        "Some pupils may live with domestic abuse: ask the safeguarding team before the lesson "
        "(they hold Operation Encompass notifications). Teach what healthy relationships look "
        "like and that abuse is never a child's fault, through invented scenarios only. Have a "
        "quiet space and a named adult ready. Any hint that a pupil lives with abuse is a "
        "concern to log.",
    ),
    (
        "Online safety and sharing images",
        "Explain that making or sharing a nude or semi-nude image of anyone under 18 is against "
        "the law, and that a young person who asks for help will be helped, not blamed. If a "
        "pupil shows or tells you of such an image, never view, copy, print or forward it: tell "
        "the safeguarding team at once. Teach how to block, report and use CEOP's Report button.",
    ),
    (
        "Radicalisation and extremism",
        "Make a safe space to discuss difficult and controversial issues; challenge extremist "
        "views calmly with facts and balanced sources, and never show extremist material. Under "
        "the Prevent duty, a pupil who voices support for violence or extremist ideas, or may "
        "be being drawn in by others, is a concern to log: the safeguarding team decides what "
        "happens next, not the teacher alone.",
    ),
    (
        "Female genital mutilation",
        "FGM is illegal in the UK and a form of child abuse; teach it age-appropriately within "
        "body autonomy and keeping safe. A teacher who learns that FGM has been carried out on "
        "a girl under 18 (she tells you it has been done, or you see that it has) must report "
        "it to the police themselves (the mandatory reporting duty) and tell the safeguarding "
        "team. Any other "
        "sign that a girl may be at risk, such as a long trip abroad for a “special "
        "ceremony”, is a concern to log.",
    ),
    (
        "Body image and eating disorders",
        "Focus on wellbeing and on how the media shows bodies, not on weight or dieting: no "
        "weights, calories or BMI, no pictures of very thin bodies, no weighing or comparing "
        "pupils. A pupil with an eating disorder may be in the class: ask the safeguarding team "
        "and the school nurse beforehand. A pupil who is restricting food, or says so, is a "
        "concern to log.",
    ),
)


def add_school_topics(topic_model) -> int:
    """Put in any of the starting topics not there yet (by name), leaving the school's own
    edits alone; returns how many were added. ``topic_model`` is the model, or the migration's
    historical one."""
    added = 0
    for name, guidance in SCHOOL_TOPICS:
        _, created = topic_model.objects.get_or_create(name=name, defaults={"guidance": guidance})
        added += created
    return added
